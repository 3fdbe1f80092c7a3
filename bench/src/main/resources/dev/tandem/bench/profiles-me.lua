-- wrk script for the profile benchmarks: each request carries the token of the next of many users (read from the
-- file TANDEM_BENCH_TOKENS, one per line), GET or PATCH (TANDEM_BENCH_METHOD) /api/profiles/me; at the end one line of
-- figures for the runner to read.
local tokens = {}
for line in io.lines(os.getenv("TANDEM_BENCH_TOKENS")) do
  tokens[#tokens + 1] = line
end
local method = os.getenv("TANDEM_BENCH_METHOD")
local counter = 0

function setup(thread)
  -- Threads start at different users, so they do not send the same token at the same moment.
  thread:set("first", math.random(1, #tokens))
end

function init(args)
  counter = first or 0
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  if method == "PATCH" then
    return wrk.format("PATCH", "/api/profiles/me", {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/merge-patch+json"
    }, '{"bio":"bench ' .. counter .. '"}')
  end
  return wrk.format("GET", "/api/profiles/me", { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "TANDEM-FIGURES requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.status + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
