-- The stub's state in Redis: one script, one call per vendor operation (EVALSHA sha 0 prefix op args...).
-- Each operation runs its stateful checks in the vendor's order and its change, atomically; the
-- request-shape checks were made in Python and arrive as an argument (bad: "" or the 400 message).
-- Answers: {status, ...}; an error's reason is a word the Python side turns into the vendor's message.
-- Helpers first, then one if/elseif chain: only the named operation runs (Redis runs the whole script body on
-- every call, so a table of per-operation closures would be rebuilt each time).
local P = ARGV[1]
local op = ARGV[2]
local A = {}
for i = 3, #ARGV do A[#A + 1] = ARGV[i] end

local function k(name) return P .. name end
local function call(...) return redis.call(...) end

-- Recoup ---------------------------------------------------------------------------------------
local function r_auth(kind, digest)
  if kind == "k" then
    local account = call("HGET", k("r:ak"), digest)
    if not account then return nil, {401, "key"} end
    return account
  end
  local account = call("HGET", k("r:bt"), digest)
  if not account then return nil, {401, "token"} end
  return account
end

local function r_allowed(caller, org)
  if call("HEXISTS", k("r:on"), org) == 0 then return false end
  return caller == org or call("SISMEMBER", k("r:m:") .. org, caller) == 1
end






local function first_ten(list_key)
  local out = {call("LLEN", k(list_key))}
  for _, name in ipairs(call("LRANGE", k(list_key), 0, 9)) do out[#out + 1] = name end
  return out
end


-- Turso ----------------------------------------------------------------------------------------
local function t_auth(digest)
  local caller = call("HGET", k("t:tk"), digest)
  if not caller then return nil, {401, "token"} end
  return caller
end

local function t_managed(digest, org)
  local caller, err = t_auth(digest)
  if err then return nil, err end
  local role = call("HGET", k("t:m:") .. org, caller)
  if role ~= "owner" and role ~= "admin" then return nil, {403, "manager"} end
  return caller
end






local function t_join(slug, username, role)
  call("HSET", k("t:m:") .. slug, username, role)
  call("ZADD", k("t:o:") .. slug, call("INCR", k("t:seq")), username)
end






-- The whole state ------------------------------------------------------------------------------
local FIXED = {"r:ak", "r:bt", "r:acct", "r:acl", "r:em", "r:orgs", "r:on", "t:tk", "t:user", "t:ul", "t:em",
               "t:orgs", "t:on", "t:seq", "demo"}

local function clear()
  for _, org in ipairs(call("LRANGE", k("r:orgs"), 0, -1)) do call("DEL", k("r:m:") .. org) end
  for _, slug in ipairs(call("LRANGE", k("t:orgs"), 0, -1)) do call("DEL", k("t:m:") .. slug, k("t:o:") .. slug) end
  for _, name in ipairs(FIXED) do call("DEL", k(name)) end
end

local function write(flat)
  local s = cjson.decode(flat)
  for _, a in ipairs(s.r.accounts) do
    call("HSET", k("r:acct"), a[1], a[2]); call("RPUSH", k("r:acl"), a[1])
  end
  for _, p in ipairs(s.r.ak) do call("HSET", k("r:ak"), p[1], p[2]) end
  for _, p in ipairs(s.r.bt) do call("HSET", k("r:bt"), p[1], p[2]) end
  for _, p in ipairs(s.r.em) do call("HSET", k("r:em"), p[1], p[2]) end
  for _, o in ipairs(s.r.orgs) do
    call("RPUSH", k("r:orgs"), o[1]); call("HSET", k("r:on"), o[1], o[2])
    for _, m in ipairs(o[3]) do call("SADD", k("r:m:") .. o[1], m) end
  end
  for _, u in ipairs(s.t.users) do
    call("HSET", k("t:user"), u[1], u[2]); call("RPUSH", k("t:ul"), u[1]); call("HSET", k("t:em"), u[1], u[3])
  end
  for _, p in ipairs(s.t.tk) do call("HSET", k("t:tk"), p[1], p[2]) end
  for _, o in ipairs(s.t.orgs) do
    call("RPUSH", k("t:orgs"), o[1]); call("HSET", k("t:on"), o[1], o[2])
    for _, m in ipairs(o[3]) do t_join(o[1], m[1], m[2]) end
  end
  call("SET", k("demo"), s.demo)
end

-- Dispatch: only the named operation's code runs (no table of closures built per call) --------------
if op ~= "load" and op ~= "init" and op ~= "drop" and call("EXISTS", k("ready")) == 0 then return {503, "empty"} end
if op == "r_whoami" then
  local caller, err = r_auth(A[1], A[2])
  if err then return err end
  return {200, caller}
elseif op == "r_orgs" then
  local caller, err = r_auth(A[1], A[2])
  if err then return err end
  local target = A[3] ~= "" and A[3] or caller
  local orgs = call("LRANGE", k("r:orgs"), 0, -1)
  if target ~= caller then
    local shared = false
    for _, org in ipairs(orgs) do
      local key = k("r:m:") .. org
      if call("SISMEMBER", key, caller) == 1 and call("SISMEMBER", key, target) == 1 then shared = true; break end
    end
    if not shared then return {403, "access"} end
  end
  local out = {200, target}
  for _, org in ipairs(orgs) do
    if call("SISMEMBER", k("r:m:") .. org, target) == 1 then
      out[#out + 1] = org
      out[#out + 1] = call("HGET", k("r:on"), org) or ""
    end
  end
  return out
elseif op == "r_add" then  -- kind digest bad org account email new_id new_blob
  local caller, err = r_auth(A[1], A[2])
  if err then return err end
  if A[3] ~= "" then return {400, A[3]} end
  local org, account, email = A[4], A[5], A[6]
  if not r_allowed(caller, org) then return {403, "member"} end
  if email ~= "" then
    account = call("HGET", k("r:em"), email)
    if not account then
      account = A[7]
      call("HSET", k("r:acct"), account, A[8])
      call("RPUSH", k("r:acl"), account)
      call("HSET", k("r:em"), email, account)
    end
  elseif call("HEXISTS", k("r:acct"), account) == 0 then
    return {404, "account"}
  end
  call("SADD", k("r:m:") .. org, account)
  return {200, account}
elseif op == "r_remove" then  -- kind digest bad org account
  local caller, err = r_auth(A[1], A[2])
  if err then return err end
  if A[3] ~= "" then return {400, A[3]} end
  if not r_allowed(caller, A[4]) then return {403, "member"} end
  call("SREM", k("r:m:") .. A[4], A[5])
  return {200}
elseif op == "r_put" then  -- org account
  if call("HEXISTS", k("r:on"), A[1]) == 0 then
    local out = first_ten("r:orgs"); table.insert(out, 1, "organization"); table.insert(out, 1, 404); return out
  end
  if call("HEXISTS", k("r:acct"), A[2]) == 0 then
    local out = first_ten("r:acl"); table.insert(out, 1, "account"); table.insert(out, 1, 404); return out
  end
  return {200, call("SADD", k("r:m:") .. A[1], A[2])}
elseif op == "t_validate" then
  local _, err = t_auth(A[1])
  if err then return err end
  return {200}
elseif op == "t_user" then
  local caller, err = t_auth(A[1])
  if err then return err end
  return {200, caller, call("HGET", k("t:user"), caller) or ""}
elseif op == "t_orgs" then
  local caller, err = t_auth(A[1])
  if err then return err end
  local out = {200}
  for _, slug in ipairs(call("LRANGE", k("t:orgs"), 0, -1)) do
    if call("HEXISTS", k("t:m:") .. slug, caller) == 1 then
      out[#out + 1] = slug
      out[#out + 1] = call("HGET", k("t:on"), slug) or ""
    end
  end
  return out
elseif op == "t_org" then  -- digest slug
  local caller, err = t_auth(A[1])
  if err then return err end
  if call("HEXISTS", k("t:on"), A[2]) == 0 or call("HEXISTS", k("t:m:") .. A[2], caller) == 0 then
    return {404, "organization"}
  end
  return {200, A[2], call("HGET", k("t:on"), A[2]) or ""}
elseif op == "t_members" then  -- digest slug
  local _, err = t_managed(A[1], A[2])
  if err then return err end
  local out = {200}
  local roles = k("t:m:") .. A[2]
  for _, name in ipairs(call("ZRANGE", k("t:o:") .. A[2], 0, -1)) do
    out[#out + 1] = name
    out[#out + 1] = call("HGET", roles, name) or ""
    out[#out + 1] = call("HGET", k("t:em"), name) or ""
  end
  return out
elseif op == "t_add" then  -- digest slug bad username role
  local _, err = t_managed(A[1], A[2])
  if err then return err end
  if A[3] ~= "" then return {400, A[3]} end
  if call("HEXISTS", k("t:user"), A[4]) == 0 then return {404, "user"} end
  if call("HEXISTS", k("t:m:") .. A[2], A[4]) == 1 then return {409, "member"} end
  t_join(A[2], A[4], A[5])
  return {200}
elseif op == "t_member" then  -- digest slug username
  local caller, err = t_auth(A[1])
  if err then return err end
  local roles = k("t:m:") .. A[2]
  if call("HEXISTS", k("t:on"), A[2]) == 0 or call("HEXISTS", roles, caller) == 0 then return {403, "viewer"} end
  local role = call("HGET", roles, A[3])
  if not role then return {404, "member"} end
  return {200, role, call("HGET", k("t:em"), A[3]) or ""}
elseif op == "t_update" then  -- digest slug username bad role
  local _, err = t_managed(A[1], A[2])
  if err then return err end
  if A[4] ~= "" then return {400, A[4]} end
  local roles = k("t:m:") .. A[2]
  if call("HEXISTS", roles, A[3]) == 0 then return {404, "member"} end
  call("HSET", roles, A[3], A[5])
  return {200, call("HGET", k("t:em"), A[3]) or ""}
elseif op == "t_remove" then  -- digest slug username
  local _, err = t_managed(A[1], A[2])
  if err then return err end
  if call("HDEL", k("t:m:") .. A[2], A[3]) == 0 then return {404, "member"} end
  call("ZREM", k("t:o:") .. A[2], A[3])
  return {200}
elseif op == "t_put" then  -- slug username role
  if call("HEXISTS", k("t:on"), A[1]) == 0 then
    local out = first_ten("t:orgs"); table.insert(out, 1, "organization"); table.insert(out, 1, 404); return out
  end
  if call("HEXISTS", k("t:user"), A[2]) == 0 then
    local out = first_ten("t:ul"); table.insert(out, 1, "user"); table.insert(out, 1, 404); return out
  end
  local before = call("HGET", k("t:m:") .. A[1], A[2])
  if not before then t_join(A[1], A[2], A[3]); return {200, "added"} end
  call("HSET", k("t:m:") .. A[1], A[2], A[3])
  return {200, before == A[3] and "unchanged" or "role changed"}
elseif op == "load" then  -- flat [seed_document seed_flat]
  clear()
  write(A[1])
  if A[2] then call("SET", k("seed"), A[2]); call("SET", k("seedflat"), A[3]) end
  call("SET", k("ready"), "1")
  return {200}
elseif op == "init" then  -- flat seed_document seed_flat: only when the prefix holds no state yet
  if call("EXISTS", k("ready")) == 1 then return {200, "kept"} end
  clear()
  write(A[1])
  call("SET", k("seed"), A[2]); call("SET", k("seedflat"), A[3]); call("SET", k("ready"), "1")
  return {200, "seeded"}
elseif op == "reset" then
  local flat = call("GET", k("seedflat"))
  if not flat then return {404, "seed"} end
  clear()
  write(flat)
  return {200}
elseif op == "dump" then
  local accounts, orgs, users, torgs = {}, {}, {}, {}
  for _, id in ipairs(call("LRANGE", k("r:acl"), 0, -1)) do
    accounts[#accounts + 1] = {id, call("HGET", k("r:acct"), id) or "{}"}
  end
  for _, id in ipairs(call("LRANGE", k("r:orgs"), 0, -1)) do
    orgs[#orgs + 1] = {id, call("HGET", k("r:on"), id) or "", call("SMEMBERS", k("r:m:") .. id)}
  end
  for _, name in ipairs(call("LRANGE", k("t:ul"), 0, -1)) do
    users[#users + 1] = {name, call("HGET", k("t:user"), name) or "{}"}
  end
  for _, slug in ipairs(call("LRANGE", k("t:orgs"), 0, -1)) do
    local members = {}
    for _, name in ipairs(call("ZRANGE", k("t:o:") .. slug, 0, -1)) do
      members[#members + 1] = {name, call("HGET", k("t:m:") .. slug, name) or "member"}
    end
    torgs[#torgs + 1] = {slug, call("HGET", k("t:on"), slug) or "", members}
  end
  return {200, cjson.encode({accounts, orgs, users, torgs}), call("GET", k("demo")) or "{}"}
elseif op == "snapshot_save" then  -- name document time most flat
  local names = k("snaps")
  local replaced = call("ZSCORE", names, A[1]) ~= false
  if not replaced and call("ZCARD", names) >= tonumber(A[4]) then
    local out = {409}
    for _, n in ipairs(call("ZRANGE", names, 0, -1)) do out[#out + 1] = n end
    return out
  end
  call("ZREM", names, A[1])
  call("ZADD", names, A[3], A[1])
  call("HSET", k("snapdocs"), A[1], A[2])
  call("HSET", k("snapflat"), A[1], A[5])
  return {200, replaced and 1 or 0}
elseif op == "snapshot_delete" then  -- name
  if call("ZREM", k("snaps"), A[1]) == 0 then return {404} end
  call("HDEL", k("snapdocs"), A[1])
  call("HDEL", k("snapflat"), A[1])
  return {200}
elseif op == "snapshot_restore" then  -- name: the snapshot's flat form replaces the state
  local flat = call("HGET", k("snapflat"), A[1])
  if not flat then return {404} end
  clear()
  write(flat)
  return {200}
elseif op == "drop" then  -- the whole prefix: state, seed, snapshots (a session that is dropped)
  clear()
  for _, name in ipairs(call("ZRANGE", k("snaps"), 0, -1)) do call("HDEL", k("snapdocs"), name) end
  call("DEL", k("ready"), k("seed"), k("seedflat"), k("snaps"), k("snapdocs"), k("snapflat"))
  return {200}
elseif op == "records" then  -- accounts, users, organizations and memberships
  local n = call("LLEN", k("r:acl")) + call("LLEN", k("t:ul"))
  for _, org in ipairs(call("LRANGE", k("r:orgs"), 0, -1)) do n = n + 1 + call("SCARD", k("r:m:") .. org) end
  for _, slug in ipairs(call("LRANGE", k("t:orgs"), 0, -1)) do n = n + 1 + call("HLEN", k("t:m:") .. slug) end
  return {200, n}
end
return redis.error_reply("unknown operation " .. tostring(op))
