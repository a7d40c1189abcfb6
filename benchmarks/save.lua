-- SAVE of one client's Client Portal Settings through htmx, turning "View and pay bills" off,
-- then on, then off... One connection and one client per thread, so each thread's requests
-- are sequential; each response is the settings panel, from which the next SAVE takes the
-- form's new version and the box's current state, as a browser would.
-- Arguments: the CSRF token, the other sections' form fields, then one
-- "client_id:billing on (1) or off (0):form version" per thread.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end

function init(args)
  csrf = args[1]
  sections = args[2]
  local id, on, v = string.match(args[2 + index], "(%d+):(%d):(.+)")
  path = "/clients/" .. id .. "/settings/portal/"
  version = v
  billing_on = on == "1"
end

function request()
  local body = "version=" .. version .. "&" .. sections
  if billing_on then
    body = body .. "&section-billing=off"
  else
    body = body .. "&section-billing=full"
  end
  -- wrk.format does not add the command line's headers (the session cookie) when given its
  -- own table, so start from them.
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["X-CSRFToken"] = csrf
  headers["HX-Request"] = "true"
  headers["HX-Target"] = "settings-panel"
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  local next_version = string.match(body, 'name="version" value="([^"]+)"')
  if next_version then
    version = next_version
  end
  -- Billing is on unless its own "Off" choice is the one checked.
  billing_on = string.find(body, 'name="section-billing" value="off" checked', 1, true) == nil
end
