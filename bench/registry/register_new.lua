-- wrk: every request registers a NEW version of a per-thread subject, so each one goes
-- through a BACKWARD check against the latest version and a durable insert. Versions
-- differ only in the default of field "x" (compatible, and constant in size).
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
  return wrk.format("POST", "/subjects/bench-new-" .. tid .. "/versions", headers, body)
end
