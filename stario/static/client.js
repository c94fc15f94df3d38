// Stario's browser client: a small, readable implementation of the Datastar 1.0 protocol.
//
// The server sends HTML and signals; this file makes them live. It does four things:
//   1. keeps *signals* (the page's state, `$count`) and re-runs whatever reads them when they change;
//   2. reads `data-*` attributes (`data-on:click`, `data-text`...) and wires them to signals;
//   3. runs `@get('/url')`-style actions: fetch, then read the answer as Server-Sent Events;
//   4. applies the events: `datastar-patch-elements` (morph HTML in) and `datastar-patch-signals`.
// Load it with <script type="module" src="/_stario/client.js"></script>; nothing else to set up.

// ---------------------------------------------------------------- 1. signals and effects
// Signals live in one plain object tree. Expressions reach it through a Proxy, which notes every
// path an effect reads (`count`, `user.name`) and re-runs that effect when the path is written.
const root = {}
const readers = new Map()        // path -> Set of effects that read it
let running = null               // the effect being run, if any
const queue = new Set()          // effects waiting to re-run (flushed in one microtask)
let patch = null                 // what changed since the last flush, for datastar-signal-patch
let scheduled = false

function track(path) {
  if (!running) return
  let set = readers.get(path)
  if (!set) readers.set(path, set = new Set())
  set.add(running); running.deps.add(set)
}

function changed(path, value) {
  for (const [key, effects] of readers)      // '' is "the whole tree" (JSON.stringify($) reads it)
    if (key === '' || key === path || key.startsWith(path + '.') || path.startsWith(key + '.'))
      for (const e of effects) if (e !== running) queue.add(e)
  patch ??= {}
  let at = patch; const parts = path.split('.')
  parts.slice(0, -1).forEach(p => at = (at[p] = typeof at[p] === 'object' && at[p] ? at[p] : {}))
  at[parts.at(-1)] = value === undefined ? null : value
  if (!scheduled) { scheduled = true; queueMicrotask(flush) }
}

function flush() {
  scheduled = false
  if (patch) { const p = patch; patch = null; fire('datastar-signal-patch', p) }
  const effects = [...queue]; queue.clear()
  effects.forEach(e => e.dead || e())
}

// An effect runs `fn` now and again whenever a signal it read changes. Returns its disposer.
function effect(fn) {
  const e = () => {
    e.deps.forEach(set => set.delete(e)); e.deps.clear()
    const outer = running; running = e
    try { fn() } catch (err) { console.error(err) } finally { running = outer }
  }
  e.deps = new Set(); e()
  return () => { e.dead = true; e.deps.forEach(set => set.delete(e)) }
}

const plain = v => v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Node)
const proxies = new WeakMap()

// The `$` that expressions see: `$count` is compiled to `$.count`, read through this Proxy.
function signalsAt(obj, prefix) {
  let p = proxies.get(obj)
  if (p) return p
  p = new Proxy(obj, {
    get(target, key) {
      if (typeof key === 'symbol' || key === 'toJSON' || key === 'then') return target[key]
      const path = prefix + key
      track(path)
      const value = target[key]
      if (value === undefined) return ''          // an unknown signal reads as "" (as in Datastar)
      return plain(value) ? signalsAt(value, path + '.') : value
    },
    set(target, key, value) { write(target, prefix + key, key, value); return true },
    deleteProperty(target, key) { if (key in target) { delete target[key]; changed(prefix + key) } return true },
    ownKeys(target) { track(prefix.slice(0, -1)); return Reflect.ownKeys(target) },
  })
  proxies.set(obj, p)
  return p
}
const $ = signalsAt(root, '')

function write(target, path, key, value) {
  if (target[key] === value) return
  target[key] = value
  changed(path, value)
}

function getPath(path) { return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), root) }
function setPath(path, value) {
  const keys = path.split('.'); let at = root
  keys.slice(0, -1).forEach(k => { if (!plain(at[k])) at[k] = {}; at = at[k] })
  write(at, path, keys.at(-1), value)
}

// RFC 7386 JSON Merge Patch into the signals: objects merge, `null` deletes, the rest replaces.
function mergeSignals(patchObj, onlyIfMissing = false, target = root, prefix = '') {
  for (const [key, value] of Object.entries(patchObj)) {
    const path = prefix + key
    if (value === null) { if (!onlyIfMissing && key in target) { delete target[key]; changed(path) } }
    else if (plain(value)) {
      if (!plain(target[key])) { if (onlyIfMissing && key in target) continue; target[key] = {} }
      mergeSignals(value, onlyIfMissing, target[key], path + '.')
    } else if (!(onlyIfMissing && key in target)) write(target, path, key, value)
  }
}

// Every signal path, for filters: [['user.name', 'Ann'], ...]
function leaves(obj = root, prefix = '') {
  return Object.entries(obj).flatMap(([k, v]) => plain(v) ? leaves(v, prefix + k + '.') : [[prefix + k, v]])
}
function filtered({ include = /.*/, exclude = /(^|\.)_/ } = {}) {
  const out = {}
  for (const [path, value] of leaves()) {
    if (!include.test(path) || exclude.test(path) || value instanceof Node) continue
    const keys = path.split('.'); let at = out
    keys.slice(0, -1).forEach(k => at = (at[k] ??= {}))
    at[keys.at(-1)] = value
  }
  return out
}

// ---------------------------------------------------------------- expressions
// `$count++; @post('/inc')` becomes a JS function: `$name` reads a signal, `@action(...)` calls
// an action with the element, `el` is the element and `evt` the DOM event.
const compiled = new Map()
function compile(code, returns) {
  const cacheKey = (returns ? 'r:' : 's:') + code
  let fn = compiled.get(cacheKey)
  if (fn) return fn
  let body = code.replace(/\$(?=[A-Za-z_])/g, '$.').replace(/@([A-Za-z_]\w*)\(/g, '__a.$1(__c,')
  if (returns) {
    const parts = statements(body)
    parts.push('return (' + (parts.pop() || 'undefined') + ')')
    body = parts.join(';\n')
  }
  fn = new Function('$', '__a', '__c', 'el', 'evt', body)
  compiled.set(cacheKey, fn)
  return fn
}

// Split on top-level `;`, ignoring those inside strings, brackets and template literals.
function statements(code) {
  const out = []; let depth = 0, quote = null, start = 0
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]
    if (quote) { if (ch === '\\') i++; else if (ch === quote) quote = null; continue }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch
    else if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch)) depth--
    else if (ch === ';' && depth === 0) { out.push(code.slice(start, i)); start = i + 1 }
  }
  out.push(code.slice(start))
  return out.map(s => s.trim()).filter(Boolean)
}

function run(el, code, { evt, returns = true } = {}) {
  try {
    return compile(code, returns)($, actions, { el, evt }, el, evt)
  } catch (err) {
    console.error(`Stario client: error in "${code}" on`, el, err)
  }
}

// ---------------------------------------------------------------- 2. attributes
// `data-on:click__debounce.200ms` -> plugin "on", key "click", modifiers {debounce: ['200ms']}.
function parseName(name) {
  const [head, ...mods] = name.slice(5).split('__')
  const colon = head.indexOf(':')
  return {
    plugin: colon < 0 ? head : head.slice(0, colon),
    key: colon < 0 ? '' : head.slice(colon + 1),
    mods: new Map(mods.map(m => { const [k, ...args] = m.split('.'); return [k, args] })),
  }
}
const camel = s => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
const ms = (t, fallback) => { const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(t || ''); return m ? +m[1] * (m[2] === 's' ? 1000 : 1) : fallback }
const objectOf = (el, value) => run(el, value) || {}

// Each plugin gets (el, key, value, mods) and may return a cleanup function.
const plugins = {
  signals(el, key, value, mods) {
    const values = key ? { [camel(key)]: run(el, value) } : objectOf(el, value)
    mergeSignals(values, mods.has('ifmissing'))
  },
  computed(el, key, value) {
    if (key) return effect(() => setPath(camel(key), run(el, value)))
    const fns = objectOf(el, value)
    const stops = Object.entries(fns).map(([k, f]) => effect(() => setPath(k, f())))
    return () => stops.forEach(stop => stop())
  },
  effect: (el, key, value) => effect(() => run(el, value, { returns: false })),
  text: (el, key, value) => effect(() => { const v = run(el, value); el.textContent = v == null ? '' : v }),
  show: (el, key, value) => effect(() => run(el, value) ? el.style.removeProperty('display') : el.style.setProperty('display', 'none')),
  class(el, key, value) {
    return effect(() => {
      const map = key ? { [key]: run(el, value) } : objectOf(el, value)
      for (const [names, on] of Object.entries(map)) names.split(/\s+/).filter(Boolean).forEach(n => el.classList.toggle(n, !!on))
    })
  },
  attr(el, key, value) {
    return effect(() => {
      const map = key ? { [key]: run(el, value) } : objectOf(el, value)
      for (const [name, v] of Object.entries(map)) {
        if (v === false || v == null) el.removeAttribute(name)
        else el.setAttribute(name, v === true ? '' : typeof v === 'object' ? JSON.stringify(v) : v)
      }
    })
  },
  style(el, key, value) {
    const original = el.style.cssText
    return effect(() => {
      const map = key ? { [key]: run(el, value) } : objectOf(el, value)
      for (const [prop, v] of Object.entries(map)) {
        const name = prop.includes('-') ? prop : prop.replace(/[A-Z]/g, c => '-' + c.toLowerCase())
        if (v || v === 0) el.style.setProperty(name, v)
        else { const was = new RegExp('(^|;)\\s*' + name + '\\s*:\\s*([^;]*)').exec(original); was ? el.style.setProperty(name, was[2]) : el.style.removeProperty(name) }
      }
    })
  },
  bind: bindPlugin,
  on: onPlugin,
  init(el, key, value, mods) {
    const go = () => withTransition(mods, () => run(el, value, { returns: false }))
    if (!mods.has('delay')) { go(); return }
    const t = setTimeout(go, ms(mods.get('delay')[0], 0))
    return () => clearTimeout(t)
  },
  'on-load'(el, key, value, mods) {
    console.warn('Stario client: data-on-load is the pre-1.0 name; use data-init', el)
    return plugins.init(el, key, value, mods)
  },
  'on-interval'(el, key, value, mods) {
    const args = mods.get('duration') || []
    const go = () => withTransition(mods, () => run(el, value, { returns: false }))
    if (args.includes('leading')) go()
    const t = setInterval(go, ms(args[0], 1000))
    return () => clearInterval(t)
  },
  'on-intersect'(el, key, value, mods) {
    const threshold = mods.has('full') ? 1 : mods.has('half') ? 0.5 : mods.has('threshold') ? +mods.get('threshold')[0] / 100 : 0
    const io = new IntersectionObserver(entries => entries.forEach(entry => {
      if (entry.isIntersecting === mods.has('exit')) return
      run(el, value, { evt: entry, returns: false })
      if (mods.has('once')) io.disconnect()
    }), { threshold })
    io.observe(el)
    return () => io.disconnect()
  },
  'on-signal-patch'(el, key, value, mods) {
    const filter = el.hasAttribute('data-on-signal-patch-filter') ? run(el, el.getAttribute('data-on-signal-patch-filter')) : null
    const handler = timed(mods, evt => {
      if (filter && !leaves(evt.detail).some(([path]) => matches(path, filter))) return
      run(el, value, { evt, returns: false })
    })
    document.addEventListener('datastar-signal-patch', handler)
    return () => document.removeEventListener('datastar-signal-patch', handler)
  },
  indicator(el, key, value) {
    const name = camel(key || value)
    setPath(name, false)
    const watch = e => { if (e.detail.el === el && (e.detail.type === 'started' || e.detail.type === 'finished')) setPath(name, e.detail.type === 'started') }
    document.addEventListener('datastar-fetch', watch)
    return () => document.removeEventListener('datastar-fetch', watch)
  },
  ref: (el, key, value) => setPath(camel(key || value), el),
  'json-signals'(el, key, value, mods) {
    const filter = value ? run(el, value) : undefined
    return effect(() => {
      JSON.stringify($)                               // reads (and so tracks) every signal
      el.textContent = JSON.stringify(filtered(filter || { exclude: /^$/ }), null, mods.has('terse') ? 0 : 2)
    })
  },
}

function withTransition(mods, fn) {
  return mods.has('viewtransition') && document.startViewTransition ? document.startViewTransition(fn) : fn()
}

// Wrap a handler in the delay / debounce / throttle modifiers.
function timed(mods, fn) {
  let timer, last = 0
  if (mods.has('debounce')) {
    const [t, ...opts] = mods.get('debounce'), wait = ms(t, 0)
    return evt => {
      if (opts.includes('leading') && !timer) fn(evt)
      clearTimeout(timer)
      timer = setTimeout(() => { timer = null; if (!opts.includes('notrailing')) fn(evt) }, wait)
    }
  }
  if (mods.has('throttle')) {
    const [t, ...opts] = mods.get('throttle'), wait = ms(t, 0)
    return evt => {
      const now = Date.now()
      if (now - last >= wait) { last = now; if (!opts.includes('noleading')) fn(evt); else if (opts.includes('trailing')) timer = setTimeout(() => fn(evt), wait) }
      else if (opts.includes('trailing')) { clearTimeout(timer); timer = setTimeout(() => { last = Date.now(); fn(evt) }, wait - (now - last)) }
    }
  }
  if (mods.has('delay')) return evt => setTimeout(() => fn(evt), ms(mods.get('delay')[0], 0))
  return fn
}

function onPlugin(el, key, value, mods) {
  let name = mods.has('case') && mods.get('case')[0] === 'camel' ? camel(key) : key
  const target = mods.has('window') ? window : mods.has('document') || mods.has('outside') ? document : el
  const act = timed(mods, evt => withTransition(mods, () => run(el, value, { evt, returns: false })))
  const listener = evt => {
    if (mods.has('outside') && el.contains(evt.target)) return
    if (mods.has('prevent') || (name === 'submit' && el.tagName === 'FORM')) evt.preventDefault()
    if (mods.has('stop')) evt.stopPropagation()
    act(evt)
  }
  const options = { once: mods.has('once'), passive: mods.has('passive'), capture: mods.has('capture') }
  target.addEventListener(name, listener, options)
  return () => target.removeEventListener(name, listener, options)
}

// Two-way binding between a form control and a signal.
function bindPlugin(el, key, value) {
  const name = camel(key || value)
  const type = el.type
  const read = () => {
    if (type === 'checkbox') return el.checked
    if (type === 'radio') return el.checked ? el.value : getPath(name)
    if (el.multiple) return [...el.selectedOptions].map(o => o.value)
    if (typeof getPath(name) === 'number' || type === 'number' || type === 'range') return el.value === '' ? '' : +el.value
    return el.value
  }
  const readFiles = async () => setPath(name, await Promise.all([...el.files].map(file => new Promise(done => {
    const reader = new FileReader()
    reader.onload = () => done({ name: file.name, contents: String(reader.result).split(',')[1] || '', mime: file.type })
    reader.readAsDataURL(file)
  }))))
  const update = () => type === 'file' ? readFiles() : setPath(name, read())
  if (getPath(name) === undefined && type !== 'file') update()
  for (const evt of ['input', 'change', 'datastar-prop-change']) el.addEventListener(evt, update)
  const stop = type === 'file' ? null : effect(() => {
    track(name)
    const v = getPath(name)
    if (type === 'checkbox') el.checked = !!v
    else if (type === 'radio') el.checked = el.value === String(v)
    else if (el.multiple) [...el.options].forEach(o => o.selected = Array.isArray(v) && v.includes(o.value))
    else if (el.value !== String(v ?? '')) el.value = v ?? ''
  })
  return () => { stop?.(); for (const evt of ['input', 'change', 'datastar-prop-change']) el.removeEventListener(evt, update) }
}

// ---------------------------------------------------------------- applying attributes
const cleanups = new WeakMap()   // element -> Map(attribute name -> cleanup)

function apply(el, name) {
  const { plugin, key, mods } = parseName(name)
  const fn = plugins[plugin]
  if (!fn) return
  const done = fn(el, key, el.getAttribute(name), mods)
  if (typeof done === 'function') {
    if (!cleanups.has(el)) cleanups.set(el, new Map())
    cleanups.get(el).set(name, done)
  }
}

function cleanup(el, name) {
  const map = cleanups.get(el)
  if (!map) return
  for (const [attr, fn] of map) if (name === undefined || attr === name) { fn(); map.delete(attr) }
}

// data-ignore: the element and its subtree are left alone; data-ignore__self: only the element.
const ignored = el => el.closest('[data-ignore]') !== null || el.hasAttribute('data-ignore__self')
const seen = new WeakSet()       // elements whose attributes were applied

// Apply every data-* attribute of `el` and its descendants, in document order.
function scan(el) {
  if (el.nodeType !== 1 || el.hasAttribute('data-ignore')) return
  if (!seen.has(el) && !el.hasAttribute('data-ignore__self')) {
    seen.add(el)
    for (const { name } of [...el.attributes]) if (name.startsWith('data-')) apply(el, name)
  }
  for (const child of [...el.children]) scan(child)
}

function forget(el) {
  if (el.nodeType !== 1 || el.isConnected) return
  for (const node of [el, ...el.querySelectorAll('*')]) { cleanup(node); seen.delete(node) }
}

new MutationObserver(records => {
  for (const r of records) {
    if (r.type === 'attributes') {
      if (!r.attributeName.startsWith('data-') || !r.target.isConnected || ignored(r.target)) continue
      cleanup(r.target, r.attributeName)
      if (r.target.hasAttribute(r.attributeName)) apply(r.target, r.attributeName)
    } else {
      r.removedNodes.forEach(forget)
      r.addedNodes.forEach(n => n.isConnected && !n.parentElement?.closest('[data-ignore]') && scan(n))
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true, attributes: true })

// ---------------------------------------------------------------- 3. actions
function fire(type, detail, target = document) { target.dispatchEvent(new CustomEvent(type, { detail })) }
const inflight = new WeakMap()   // element -> AbortController of its running request

const actions = {
  peek: (c, fn) => { const outer = running; running = null; try { return fn() } finally { running = outer } },
  setAll: (c, value, filter) => leaves().forEach(([p]) => matches(p, filter) && setPath(p, value)),
  toggleAll: (c, filter) => leaves().forEach(([p, v]) => matches(p, filter) && setPath(p, !v)),
}
const matches = (path, { include = /.*/, exclude = /^$/ } = {}) => include.test(path) && !exclude.test(path)
for (const method of ['get', 'post', 'put', 'patch', 'delete'])
  actions[method] = (c, url, options = {}) => request(c.el || document.body, method.toUpperCase(), url, options, c.evt)

async function request(el, method, url, opts, evt) {
  const o = {
    contentType: 'json', headers: {}, openWhenHidden: method !== 'GET', retry: 'auto', retryInterval: 1000,
    retryScaler: 2, retryMaxWait: 30000, retryMaxCount: 10, requestCancellation: 'auto', ...opts,
  }
  const controller = o.requestCancellation instanceof AbortController ? o.requestCancellation : new AbortController()
  if (o.requestCancellation === 'auto' || o.requestCancellation === 'cleanup') {
    inflight.get(el)?.abort(); inflight.set(el, controller)
  }
  const detail = type => ({ type, el, argsRaw: { method, url, ...opts } })
  let built = build(el, method, url, o, evt)
  if (!built) return                                            // an invalid form: not sent
  let lastId = null, wait = o.retryInterval, tries = 0
  fire('datastar-fetch', detail('started'))
  try {
    while (!controller.signal.aborted) {
      let broken = false, status = 0
      const hidden = o.openWhenHidden ? null : watchHidden(controller)
      if (tries || lastId) built = build(el, method, url, o, evt) || built   // fresh signals on a retry
      try {
        const headers = { Accept: 'text/event-stream, text/html, application/json', 'Datastar-Request': 'true', ...built.headers, ...o.headers }
        if (lastId) headers['last-event-id'] = lastId
        const res = await fetch(built.url, { method, headers, body: built.body, signal: hidden ? hidden.signal : controller.signal })
        status = res.status
        if (status === 200) {
          wait = o.retryInterval; tries = 0                           // success resets the back-off
          await read(res, el, o, ({ id, retry }) => { if (id !== undefined) lastId = id || null; if (retry) wait = o.retryInterval = retry })
        } else if (status !== 204 && !(status >= 300 && status < 400)) fire('datastar-fetch', { ...detail('error'), status })
      } catch (err) {
        if (hidden?.hiddenAbort) { await hidden.visible; continue }      // the tab came back: send again
        if (controller.signal.aborted) break
        broken = true
      } finally { hidden?.stop() }
      const again = broken || o.retry === 'always' && status !== 204 && !(status >= 300 && status < 400) ||
        o.retry === 'error' && status >= 400
      if (!again || controller.signal.aborted) break
      if (++tries > o.retryMaxCount) { fire('datastar-fetch', detail('retries-failed')); break }
      fire('datastar-fetch', detail('retrying'))
      await new Promise(done => setTimeout(done, Math.min(wait, o.retryMaxWait)))
      wait = Math.min(wait * o.retryScaler, o.retryMaxWait)
    }
  } finally {
    if (inflight.get(el) === controller) inflight.delete(el)
    fire('datastar-fetch', detail('finished'))
  }
}

// A GET that may not stay open while the tab is hidden: abort it on hide, resolve on show.
function watchHidden(outer) {
  const inner = new AbortController(), w = { signal: inner.signal, hiddenAbort: false }
  outer.signal.addEventListener('abort', () => inner.abort())
  w.visible = new Promise(resolve => {
    const onChange = () => {
      if (document.hidden) { w.hiddenAbort = true; inner.abort() }
      else if (w.hiddenAbort) { document.removeEventListener('visibilitychange', onChange); resolve() }
    }
    document.addEventListener('visibilitychange', onChange)
    w.stop = () => { if (!w.hiddenAbort) document.removeEventListener('visibilitychange', onChange) }
  })
  return w
}

// What to send: signals as JSON (in ?datastar= for GET and DELETE), or a form's fields.
function build(el, method, url, o, evt) {
  const target = new URL(url, location.href), headers = {}
  const inQuery = method === 'GET' || method === 'DELETE'
  let body
  if (o.contentType === 'form') {
    const form = o.selector ? document.querySelector(o.selector) : el.closest('form')
    if (!form) { console.error('Stario client: contentType "form" needs a form', el); return null }
    if (!form.checkValidity()) { form.reportValidity(); return null }
    const data = new FormData(form)
    const submitter = evt?.submitter || (el.tagName === 'BUTTON' ? el : null)
    if (submitter?.name) data.append(submitter.name, submitter.value)
    if (inQuery) data.forEach((v, k) => target.searchParams.append(k, v))
    else if (form.enctype === 'multipart/form-data') body = data
    else { body = new URLSearchParams(data); headers['Content-Type'] = 'application/x-www-form-urlencoded' }
  } else {
    const json = JSON.stringify(o.payload !== undefined ? o.payload : filtered(o.filterSignals))
    if (inQuery) target.searchParams.set('datastar', json)
    else { body = json; headers['Content-Type'] = 'application/json' }
  }
  return { url: target.href, headers, body }
}

// Read a 200 response by its content type.
async function read(res, el, o, meta) {
  const type = (res.headers.get('content-type') || '').split(';')[0].trim()
  const over = o.responseOverrides || {}
  const header = name => over[name] ?? res.headers.get('datastar-' + name.replace(/[A-Z]/g, c => '-' + c.toLowerCase()))
  if (type === 'text/html') {
    const args = { elements: await res.text() }
    for (const k of ['selector', 'mode', 'namespace', 'useViewTransition']) if (header(k) != null) args[k] = String(header(k))
    return dispatch('datastar-patch-elements', args, el)
  }
  if (type === 'application/json') {
    return dispatch('datastar-patch-signals', { signals: await res.text(), onlyIfMissing: String(header('onlyIfMissing') ?? 'false') }, el)
  }
  if (type === 'text/javascript') {
    const script = document.createElement('script')
    Object.entries(JSON.parse(res.headers.get('datastar-script-attributes') || '{}')).forEach(([k, v]) => script.setAttribute(k, v))
    script.textContent = await res.text()
    return document.head.appendChild(script)
  }
  await sse(res.body, (type, data, event) => { meta(event); dispatch(type, data, el) })
}

// The SSE parser: lines end in \n, \r\n or \r; "field: value"; a blank line ends the event.
async function sse(stream, onEvent) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = '', type = '', data = [], id, retry
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += value
    let m
    while ((m = /\r\n|\r|\n/.exec(buffer)) && !(m[0] === '\r' && m.index === buffer.length - 1)) {
      const line = buffer.slice(0, m.index)
      buffer = buffer.slice(m.index + m[0].length)
      if (line === '') {
        if (type.startsWith('datastar')) {
          const args = {}
          for (const l of data.join('\n').split('\n')) {
            const space = l.indexOf(' '), k = space < 0 ? l : l.slice(0, space), v = space < 0 ? '' : l.slice(space + 1)
            args[k] = k in args ? args[k] + '\n' + v : v
          }
          onEvent(type, args, { id, retry })
        } else if (id !== undefined || retry) onEvent('', {}, { id, retry })
        type = ''; data = []; id = undefined; retry = undefined
        continue
      }
      if (line[0] === ':') continue
      const colon = line.indexOf(':')
      if (colon < 0) continue
      const field = line.slice(0, colon), val = line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') type = val
      else if (field === 'data') data.push(val)
      else if (field === 'id') id = val
      else if (field === 'retry' && /^\d+$/.test(val)) retry = +val
    }
  }
}

// ---------------------------------------------------------------- 4. events
function dispatch(type, args, el) {
  if (!type) return
  fire('datastar-fetch', { type, el, argsRaw: args })
  try {
    if (type === 'datastar-patch-elements') patchElements(args)
    else if (type === 'datastar-patch-signals') {
      let value
      try { value = JSON.parse(args.signals) } catch { value = Function('return (' + args.signals + ')')() }
      mergeSignals(value, (args.onlyIfMissing || '').trim() === 'true')
    }
  } catch (err) { console.error(`Stario client: could not apply ${type}`, args, err) }
}

function patchElements({ selector, mode = 'outer', namespace = 'html', useViewTransition, elements = '' }) {
  const go = () => {
    if (/<\/(html|head|body)>/i.test(elements)) {
      const doc = new DOMParser().parseFromString(elements, 'text/html')
      const part = /<\/html>/i.test(elements) ? 'documentElement' : /<\/head>/i.test(elements) ? 'head' : 'body'
      return morph(document[part], doc[part])
    }
    const template = document.createElement('template')
    const wrap = { svg: ['<svg>', '</svg>'], mathml: ['<math>', '</math>'] }[namespace]
    template.innerHTML = wrap ? wrap[0] + elements + wrap[1] : elements
    const fragment = wrap ? template.content.firstElementChild : template.content
    const fresh = () => [...fragment.cloneNode(true).childNodes].map(n => document.importNode(n, true))
    if (!selector && (mode === 'outer' || mode === 'replace')) {
      for (const node of fragment.children) {
        const target = node.id && document.getElementById(node.id)
        if (!target) { console.warn('Stario client: no element with id', node.id || '(none)', 'to patch'); continue }
        mode === 'outer' ? morph(target, node.cloneNode(true)) : target.replaceWith(runScripts(document.importNode(node, true)))
      }
      return
    }
    if (!selector) throw new Error(`mode "${mode}" needs a selector`)
    for (const target of document.querySelectorAll(selector)) {
      if (mode === 'remove') target.remove()
      else if (mode === 'outer') { const nodes = fresh(); nodes.length === 1 ? morph(target, nodes[0]) : target.replaceWith(...nodes.map(runScripts)) }
      else if (mode === 'inner') { const box = target.cloneNode(false); box.append(...fresh()); morphChildren(target, box) }
      else if (mode === 'replace') target.replaceWith(...fresh().map(runScripts))
      else if (mode === 'prepend') target.prepend(...fresh().map(runScripts))
      else if (mode === 'append') target.append(...fresh().map(runScripts))
      else if (mode === 'before') target.before(...fresh().map(runScripts))
      else if (mode === 'after') target.after(...fresh().map(runScripts))
      else throw new Error(`unknown patch mode "${mode}"`)
    }
  }
  useViewTransition?.trim() === 'true' && document.startViewTransition ? document.startViewTransition(go) : go()
}

// Scripts parsed by innerHTML never run: re-create them so they do.
function runScripts(node) {
  const scripts = node.nodeName === 'SCRIPT' ? [node] : node.querySelectorAll ? [...node.querySelectorAll('script')] : []
  for (const old of scripts) {
    const script = document.createElement('script')
    for (const a of old.attributes) script.setAttribute(a.name, a.value)
    script.textContent = old.textContent
    if (old === node) return script
    old.replaceWith(script)
  }
  return node
}

// ---------------------------------------------------------------- morphing
// Turn `old` into `next` while keeping what the user has: focus, typed text, scroll, state.
// Children are matched by id (directly, or through ids inside them), else by tag; only what
// differs is touched, so an input that is re-rendered with the same id stays the same input.
function morph(old, next) {
  if (old.nodeType !== next.nodeType || old.nodeName !== next.nodeName || (old.id || next.id) && old.id !== next.id && old.nodeType === 1) {
    old.replaceWith(runScripts(document.importNode(next, true))); return
  }
  if (old.nodeType !== 1) { if (old.nodeValue !== next.nodeValue) old.nodeValue = next.nodeValue; return }
  if (old.hasAttribute('data-ignore-morph') && next.hasAttribute('data-ignore-morph')) return
  syncAttributes(old, next)
  if (old.nodeName === 'TEMPLATE') { old.innerHTML = next.innerHTML; return }
  if (old.nodeName !== 'TEXTAREA') morphChildren(old, next)
}

function syncAttributes(old, next) {
  const keep = (old.getAttribute('data-preserve-attr') || '').split(/\s+/).filter(Boolean)
  let propChanged = false
  if (old.nodeName === 'INPUT' && old.type !== 'file') {
    if (old.getAttribute('value') !== next.getAttribute('value') && old !== document.activeElement) { old.value = next.getAttribute('value') ?? ''; propChanged = true }
    if (old.hasAttribute('checked') !== next.hasAttribute('checked')) { old.checked = next.hasAttribute('checked'); propChanged = true }
  }
  if (old.nodeName === 'TEXTAREA' && next.textContent !== old.defaultValue) { old.value = old.defaultValue = next.textContent; propChanged = true }
  if (old.nodeName === 'OPTION') old.selected = next.hasAttribute('selected')
  for (const { name, value } of [...next.attributes])
    if (!keep.includes(name) && old.getAttribute(name) !== value) old.setAttribute(name, value)
  for (const { name } of [...old.attributes])
    if (!keep.includes(name) && !next.hasAttribute(name)) old.removeAttribute(name)
  if (propChanged) old.dispatchEvent(new Event('datastar-prop-change'))
}

const idsIn = node => node.nodeType === 1 ? new Set([node.id, ...[...node.querySelectorAll('[id]')].map(e => e.id)].filter(Boolean)) : new Set()

function morphChildren(oldParent, newParent) {
  let cursor = oldParent.firstChild
  for (const next of [...newParent.childNodes]) {
    const match = findMatch(cursor, next)
    if (match) {
      if (match !== cursor) oldParent.moveBefore ? oldParent.moveBefore(match, cursor) : oldParent.insertBefore(match, cursor)
      morph(match, next)
      cursor = match.nextSibling
    } else {
      oldParent.insertBefore(runScripts(document.importNode(next, true)), cursor)
    }
  }
  while (cursor) { const gone = cursor; cursor = cursor.nextSibling; gone.remove() }
}

// The best old sibling (from `start` on) for `next`: same id, or sharing an id inside, or same tag.
function findMatch(start, next) {
  const wanted = idsIn(next)
  let soft = null
  for (let node = start; node; node = node.nextSibling) {
    if (node.nodeType !== next.nodeType || node.nodeName !== next.nodeName) continue
    if (node.nodeType !== 1) return soft || node
    if (next.id && node.id === next.id) return node
    if (wanted.size && [...idsIn(node)].some(id => wanted.has(id))) return node
    if (!soft && !node.id && !next.id && !idsIn(node).size) soft = node
  }
  return soft
}

// ---------------------------------------------------------------- start
scan(document.documentElement)
fire('datastar-ready')
export { $ as signals, actions, mergeSignals, patchElements }
