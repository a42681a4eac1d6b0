-- wrk script of bench/http: each request takes the next path of the file
-- named by BENCH_PATHS (one per line), so a row measures many different
-- queries rather than one answer over and over. Headers come from -H.
local paths = {}
local i = 0

function init(args)
	for line in io.lines(os.getenv("BENCH_PATHS")) do
		paths[#paths + 1] = line
	end
	i = math.random(#paths)
end

function request()
	i = i % #paths + 1
	return wrk.format(nil, paths[i])
end
