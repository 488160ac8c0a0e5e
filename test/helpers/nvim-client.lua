-- Drives the cellspec language server from Neovim's built-in LSP client (Neovim 0.7+ API:
-- vim.lsp.start_client / vim.lsp.buf_attach_client), for test/neovim.test.ts.
--
-- Run as:  CELLSPEC_NVIM_JOB=/path/job.json nvim --headless --clean -n -i NONE -c 'luafile test/helpers/nvim-client.lua'
-- job.json: {
--   "cmd": ["node", "/repo/bin/cellspec-language-server", "--stdio"],
--   "root": "/folder",                       -- workspace folder
--   "output": "/path/result.json",           -- where the results are written
--   "timeout_ms": 20000,
--   "files": [ { "name": "example", "path": "/folder/study.cellspec",
--                "hovers": [ { "line": 10, "character": 4 } ] } ]
-- }
-- result.json: { "ok": true, "client_id": n, "server_name": "...", "files": { name: {
--   "uri", "received" (publishDiagnostics seen), "diagnostics" (vim.diagnostic.get items),
--   "lsp_diagnostics" (the raw LSP ones), "hovers": [ { "position", "text", "error" } ] } } }
-- Any Lua error is caught and written as { "ok": false, "error": "..." }; Neovim always quits.

local job_path = os.getenv('CELLSPEC_NVIM_JOB')
local output_path = nil

local function write_json(path, value)
  local f = assert(io.open(path, 'w'))
  f:write(vim.fn.json_encode(value))
  f:close()
end

-- vim.NIL and sparse tables are not JSON-friendly everywhere: keep plain values only.
local function plain(v)
  if v == vim.NIL then return nil end
  if type(v) ~= 'table' then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = plain(x) end
  return out
end

local function hover_text(result)
  if result == nil or result == vim.NIL then return nil end
  local c = result.contents
  if type(c) == 'string' then return c end
  if type(c) == 'table' and c.value ~= nil then return c.value end
  if type(c) == 'table' then
    local parts = {}
    for _, x in ipairs(c) do
      if type(x) == 'string' then table.insert(parts, x) elseif type(x) == 'table' and x.value then table.insert(parts, x.value) end
    end
    return table.concat(parts, '\n\n')
  end
  return nil
end

local function run()
  assert(job_path and job_path ~= '', 'CELLSPEC_NVIM_JOB is not set')
  local job = vim.fn.json_decode(table.concat(vim.fn.readfile(job_path), '\n'))
  output_path = job.output
  local timeout = job.timeout_ms or 20000

  -- Record every publishDiagnostics, then hand it to Neovim's own handler (which feeds vim.diagnostic).
  local received = {}
  local raw = {}
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result and result.uri then
      received[result.uri] = (received[result.uri] or 0) + 1
      raw[result.uri] = result.diagnostics
    end
    return default_handler(err, result, ctx, config)
  end

  local exit_info = nil
  local client_id = vim.lsp.start_client({
    name = 'cellspec',
    cmd = job.cmd,
    root_dir = job.root,
    workspace_folders = { { uri = vim.uri_from_fname(job.root), name = 'cellspec-test' } },
    on_exit = function(code, signal) exit_info = { code = code, signal = signal } end,
  })
  assert(client_id, 'vim.lsp.start_client returned nil')

  local buffers = {}
  for _, f in ipairs(job.files) do
    local bufnr = vim.fn.bufadd(f.path)
    vim.fn.bufload(bufnr)
    vim.api.nvim_buf_set_option(bufnr, 'filetype', 'cellspec')
    vim.api.nvim_buf_set_option(bufnr, 'buflisted', true)
    assert(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed for ' .. f.path)
    buffers[f.name] = { bufnr = bufnr, uri = vim.uri_from_bufnr(bufnr), spec = f }
  end

  local ready = vim.wait(timeout, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized == true
  end, 20)
  assert(ready, 'the language server did not finish initialize within ' .. timeout .. ' ms'
    .. (exit_info and (' (it exited with code ' .. tostring(exit_info.code) .. ')') or ''))

  local client = vim.lsp.get_client_by_id(client_id)
  local result = { ok = true, client_id = client_id, server_name = client.name, files = {} }
  if client.server_capabilities then
    result.hover_provider = client.server_capabilities.hoverProvider and true or false
  end

  for name, b in pairs(buffers) do
    local got = vim.wait(timeout, function() return (received[b.uri] or 0) > 0 end, 20)
    local entry = { uri = b.uri, received = got, diagnostics = {}, lsp_diagnostics = plain(raw[b.uri] or {}), hovers = {} }
    for _, d in ipairs(vim.diagnostic.get(b.bufnr)) do
      table.insert(entry.diagnostics, {
        lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
        severity = d.severity, code = plain(d.code), message = d.message, source = d.source,
      })
    end
    for _, pos in ipairs(b.spec.hovers or {}) do
      local params = { textDocument = { uri = b.uri }, position = { line = pos.line, character = pos.character } }
      local responses, err = vim.lsp.buf_request_sync(b.bufnr, 'textDocument/hover', params, timeout)
      local h = { position = params.position }
      if responses == nil then
        h.error = 'no response: ' .. tostring(err)
      else
        local r = responses[client_id]
        if r == nil then h.error = 'no response from the client'
        elseif r.err then h.error = vim.inspect(r.err)
        else h.text = hover_text(r.result) end
      end
      table.insert(entry.hovers, h)
    end
    result.files[name] = entry
  end

  result.server_alive = exit_info == nil
  write_json(output_path, result)

  -- Polite shutdown; Neovim quits either way.
  vim.lsp.stop_client(client_id)
  vim.wait(3000, function() return exit_info ~= nil end, 20)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  local target = output_path or (job_path and (job_path .. '.error.json'))
  if target then pcall(write_json, target, { ok = false, error = tostring(err) }) end
  io.stderr:write('nvim-client.lua: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 1')
else
  vim.cmd('qall!')
end
