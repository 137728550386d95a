-- wrk script: send pre-built requests in rotation, one per line of a TSV file, so that the load is spread
-- over many learners (each line carries one learner's token or session cookie).
--
--   wrk -t T -c C -d 8s -s bench/lua/rotate.lua http://127.0.0.1:PORT -- requests.tsv T
--
-- Line format (tab-separated; an empty BODY sends none):
--   METHOD <TAB> PATH <TAB> BODY <TAB> Header-Name: value [<TAB> Header-Name: value ...]
-- Thread t of T sends lines t+1, t+1+T, t+1+2T, ... (wrapping): two threads never share a line, and with
-- at least 2 x connections lines a learner has no two requests in flight at once.

local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

local requests = {}
local index = 0
local step = 1

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      fields[#fields + 1] = field
   end
   return fields
end

function init(args)
   step = tonumber(args[2] or "1")
   for line in io.lines(args[1]) do
      if line ~= "" then
         local f = split(line)
         local headers = {}
         for i = 4, #f do
            local name, value = f[i]:match("^([^:]+):%s*(.*)$")
            if name then
               headers[name] = value
            end
         end
         local body = nil
         if f[3] ~= "" then
            body = f[3]
         end
         requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
      end
   end
   index = tid or 0
end

function request()
   local r = requests[(index % #requests) + 1]
   index = index + step
   return r
end
