-- wrk: idempotent POST /subjects/{s}/versions of a schema the subject already has.
-- SUBJECT and SCHEMA_JSON come from the environment (set by registry_bench.sh).
local subject = os.getenv("BENCH_SUBJECT") or "bench-value"
local schema = os.getenv("BENCH_SCHEMA_BODY")
wrk.method = "POST"
wrk.path = "/subjects/" .. subject .. "/versions"
wrk.headers["Content-Type"] = "application/vnd.schemaregistry.v1+json"
wrk.body = schema
