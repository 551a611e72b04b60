-- Cycles through the paths listed one a line in $BENCH_PATHS, each thread from its own
-- starting point, so a run touches many pages instead of one.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local index = 0

function setup(thread)
  thread:set("offset", math.random(1, #paths))
end

function init(args)
  index = tonumber(offset) or 0
end

function request()
  index = index + 1
  return wrk.format("GET", paths[(index % #paths) + 1])
end
