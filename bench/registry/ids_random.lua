-- wrk: GET /schemas/ids/{id} with id uniform in 1..BENCH_MAX_ID.
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1")
math.randomseed(os.time())
function request()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, max_id))
end
