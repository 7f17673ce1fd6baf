-- wrk: every request registers a NEW version in one of SUBJECTS_PER_THREAD subjects of
-- its thread (round robin), so each one goes through a BACKWARD check against the
-- latest version and a durable insert. Versions differ only in the default of field
-- "x" (compatible, and constant in size); spreading them over subjects keeps each
-- subject's history realistic (hundreds of versions, not tens of thousands).
local subjects_per_thread = tonumber(os.getenv("BENCH_SUBJECTS_PER_THREAD") or "32")
local next_thread = 0
function setup(thread)
  next_thread = next_thread + 1
  thread:set("tid", next_thread)
end

local counter = 0
local headers = { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }
function request()
  counter = counter + 1
  local body = string.format(
    '{"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"Evt\\",\\"fields\\":[' ..
    '{\\"name\\":\\"id\\",\\"type\\":\\"long\\"},' ..
    '{\\"name\\":\\"x\\",\\"type\\":\\"long\\",\\"default\\":%d}]}"}', counter)
  local subject = "bench-new-" .. tid .. "-" .. (counter % subjects_per_thread)
  return wrk.format("POST", "/subjects/" .. subject .. "/versions", headers, body)
end
