-- Typing users for wrk, driven by benchmarks/load.py (see benchmarks/README.md).
--
-- Each wrk thread has exactly one connection, so that every response is matched to the request
-- it answers (wrk's script API does not say which connection a response came on). A connection
-- carries one or a few users, as a reverse proxy's connection to the app does. Each user saves
-- the answer it is typing (the text grows and carries a sequence number), and after a number of
-- saves moves to the next question: a page load, then saves of that answer.
--
-- Settings come from the environment (the same for every thread):
--   LOAD_PLAN       file of users: "<connection> <user> <save path prefix> <page path prefix or ->
--                   <cookie or -> <CSRF token or -> <question> <revision>:<seq>,..." (one per answer)
--   LOAD_OUT        folder for one log per connection and summary.txt
--   LOAD_PACE       seconds between two saves of one user; 0: the next save as soon as one is answered
--   LOAD_MOVE_AFTER saves of one answer before moving to the next question
--   LOAD_SENTENCE, LOAD_MAX_SENTENCES   what a user types: a marker, then the sentence repeated
--
-- Log lines: "<S|P> <http status> <outcome> <latency us> <lag us> <user> <question> <seq>", where
-- lag is how late the request left after its due time, and "X <S|P> <user> <question> <seq>" for a
-- request that never got an answer (a socket error or timeout).

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clock_id, load_timespec *tp);
]])
local timespec = ffi.new("load_timespec")
local CLOCK_MONOTONIC = 1

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1e6 + tonumber(timespec.tv_nsec) / 1e3
end

local pace_us = tonumber(os.getenv("LOAD_PACE") or "0") * 1e6
local move_after = tonumber(os.getenv("LOAD_MOVE_AFTER") or "20")
local sentence = os.getenv("LOAD_SENTENCE") or "typing "
local max_sentences = tonumber(os.getenv("LOAD_MAX_SENTENCES") or "20")

-- Runs in wrk's main Lua state: number the threads, one connection each.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("connection", #threads)
end

local users = {}
local openings = 1 -- health checks still to send before the first save
local turn = 0
local next_due = 0
local period_us = 0
local inflight = nil
local mover = nil
local log = nil

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text, "[^" .. separator .. "]+") do
    table.insert(parts, part)
  end
  return parts
end

function init(_args)
  for line in io.lines(os.getenv("LOAD_PLAN")) do
    local f = split(line, " ")
    if tonumber(f[1]) == connection then
      local user = {
        key = f[2],
        save_prefix = f[3],
        page_prefix = f[4],
        headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" },
        page_headers = { ["Accept"] = "text/html" },
        question = tonumber(f[7]),
        revision = {},
        seq = {},
        saves_here = 0,
      }
      if f[5] ~= "-" then
        user.headers["Cookie"] = f[5]
        user.page_headers["Cookie"] = f[5]
      end
      if f[6] ~= "-" then
        user.headers["X-CSRFToken"] = f[6]
      end
      for i, pair in ipairs(split(f[8], ",")) do
        local revision, seq = string.match(pair, "(%d+):(%d+)")
        user.revision[i] = tonumber(revision)
        user.seq[i] = tonumber(seq)
      end
      table.insert(users, user)
    end
  end
  log = assert(io.open(os.getenv("LOAD_OUT") .. "/connection-" .. connection .. ".log", "w"))
  log:setvbuf("full")
  if connection == 1 then
    openings = 2 -- wrk builds this thread's first request before the run only to check it
  end
  if pace_us > 0 then
    math.randomseed(connection)
    period_us = pace_us / #users
  end
end

-- After the opening health check: users start typing at different moments.
local function start_typing()
  if pace_us > 0 then
    next_due = now_us() + math.random() * period_us
  end
end

local function text_of(user, question, seq)
  local sentences = math.min(seq, max_sentences)
  return "[u" .. user.key .. " q" .. question .. " s" .. seq .. "] " .. string.rep(sentence, sentences)
end

local function move_on(user)
  user.question = user.question % #user.revision + 1
  user.saves_here = 0
end

function request()
  local now = now_us()
  if openings > 0 then
    -- Every connection opens with a health check, sent at once and not counted: a connection
    -- that stays silent after connecting would hold a server thread waiting for its request.
    openings = openings - 1
    inflight = { kind = "V" }
    return wrk.format("GET", "/healthz")
  end
  if inflight ~= nil and inflight.kind ~= "V" then -- the previous request was never answered
    log:write("X ", inflight.kind, " ", inflight.user.key, " ", inflight.question, " ", inflight.seq, "\n")
  end
  if mover ~= nil then -- the user who just finished an answer loads the next question's page
    local user = mover
    mover = nil
    move_on(user)
    inflight = { kind = "P", user = user, question = user.question, seq = 0, sent = now, due = now }
    return wrk.format("GET", user.page_prefix .. user.question, user.page_headers)
  end
  turn = turn % #users + 1
  local user = users[turn]
  local question = user.question
  local seq = user.seq[question] + 1
  user.seq[question] = seq -- used once, answered or not
  local due = now
  if pace_us > 0 then
    due = math.min(next_due, now)
    next_due = next_due + period_us * (0.8 + 0.4 * math.random())
  end
  inflight = { kind = "S", user = user, question = question, seq = seq, sent = now, due = due }
  local body = '{"text":"'
    .. text_of(user, question, seq)
    .. '","revision":'
    .. user.revision[question]
    .. ',"seconds":'
    .. math.max(1, math.floor(pace_us / 1e6))
    .. ',"flagged":false}'
  return wrk.format("POST", user.save_prefix .. question, user.headers, body)
end

if pace_us > 0 then
  function delay()
    if mover ~= nil or openings > 0 then
      return 0
    end
    return math.max(0, (next_due - now_us()) / 1000)
  end
end

function response(status, _headers, body)
  local now = now_us()
  local sent = inflight
  inflight = nil
  if sent == nil or sent.kind == "V" then
    if openings == 0 and next_due == 0 then
      start_typing()
    end
    return
  end
  local user = sent.user
  local outcome = "error"
  if sent.kind == "S" then
    local revision = tonumber(string.match(body, '"revision"%s*:%s*(%d+)'))
    if status == 200 then
      outcome = string.match(body, '"status"%s*:%s*"(%a+)"') or "error"
    elseif status == 409 then
      outcome = "conflict"
    end
    if revision ~= nil then -- also after a conflict: continue from the stored revision
      user.revision[sent.question] = revision
    end
    user.saves_here = user.saves_here + 1
    if move_after > 0 and user.saves_here >= move_after then
      if user.page_prefix == "-" then
        move_on(user)
      else
        mover = user
      end
    end
  elseif status == 200 then
    outcome = "page"
  end
  log:write(
    sent.kind, " ", status, " ", outcome, " ",
    math.floor(now - sent.sent), " ", math.floor(sent.sent - sent.due), " ",
    user.key, " ", sent.question, " ", sent.seq, "\n"
  )
end

-- Runs in the main state after all threads stopped.
function done(summary, _latency, _requests)
  local out = assert(io.open(os.getenv("LOAD_OUT") .. "/summary.txt", "w"))
  out:write("duration_us ", summary.duration, "\n")
  out:write("requests ", summary.requests, "\n")
  for _, name in ipairs({ "connect", "read", "write", "status", "timeout" }) do
    out:write("errors_", name, " ", summary.errors[name], "\n")
  end
  out:close()
end
