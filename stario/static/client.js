// Stario's browser client: a readable implementation of the Datastar 1.0 protocol.
// The server sends HTML and signals; this makes them live: 1. signals (the page's state) and
// effects; 2. `data-*` attributes; 3. actions (`@get('/url')`), answered with Server-Sent
// Events; 4. the events: `datastar-patch-elements` and `datastar-patch-signals`.

// === 1. signals and effects ===
// Signals live in one object tree, read through a Proxy that notes each path an effect reads
// (`count`, `user.name`); writing a path re-runs the effects that read it.
const root = {}
const readers = new Map()  // path -> the effects that read it ('' = all)
const queue = new Set()  // effects to re-run, together in one microtask
let running = null  // the effect running now

function track(path) {
  if (!running) return
  if (!readers.has(path)) readers.set(path, new Set())
  running.deps.add(readers.get(path).add(running))
}

function changed(path) {
  const idle = !queue.size  // else a flush is already due
  for (const [key, effects] of readers)
    if (key === '' || key === path || key.startsWith(path + '.') || path.startsWith(key + '.'))
      effects.forEach(e => e !== running && queue.add(e))
  if (idle && queue.size) queueMicrotask(flush)
}

const flush = () => { const effects = [...queue]; queue.clear(); effects.forEach(e => e.dead || e()) }

// An effect runs `fn` now and whenever a signal it read changes. Returns a disposer.
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

// Expressions' `$`: `$user.name` is compiled to `$.user.name`, read through here.
function signalsAt(obj, prefix) {
  if (!proxies.has(obj)) proxies.set(obj, new Proxy(obj, {
    get(target, key) {
      if (typeof key === 'symbol' || key === 'toJSON' || key === 'then') return target[key]
      track(prefix + key)
      const v = target[key]
      return v === undefined ? '' : plain(v) ? signalsAt(v, prefix + key + '.') : v  // unknown: ""
    },
    set(target, key, value) { write(target, prefix + key, key, value); return true },
    deleteProperty(target, key) { if (key in target) { delete target[key]; changed(prefix + key) } return true },
    ownKeys(target) { track(prefix.slice(0, -1)); return Reflect.ownKeys(target) },
  }))
  return proxies.get(obj)
}
const $ = signalsAt(root, '')

const write = (target, path, key, value) => { if (target[key] !== value) { target[key] = value; changed(path) } }
function parentOf(obj, path) {  // 'a.b': [obj.a, 'b'], making objects on the way
  const keys = path.split('.'), last = keys.pop()
  for (const k of keys) obj = plain(obj[k]) ? obj[k] : (obj[k] = {})
  return [obj, last]
}
const setPath = (path, value) => { const [o, k] = parentOf(root, path); write(o, path, k, value) }
const getPath = path => path.split('.').reduce((o, k) => o?.[k], root)

// RFC 7386 JSON Merge Patch into the signals: objects merge, `null` deletes, the rest replaces.
function mergeSignals(values, onlyIfMissing, target = root, prefix = '') {
  for (const [key, value] of Object.entries(values)) {
    const path = prefix + key, has = key in target
    if (value === null) { if (!onlyIfMissing && has) { delete target[key]; changed(path) } }
    else if (plain(value)) {
      if (!plain(target[key])) { if (onlyIfMissing && has) continue; target[key] = {} }
      mergeSignals(value, onlyIfMissing, target[key], path + '.')
    } else if (!(onlyIfMissing && has)) write(target, path, key, value)
  }
}

// Every signal as [path, value]; the signals a filter keeps, as a tree.
const leaves = (obj = root, prefix = '') =>
  Object.entries(obj).flatMap(([k, v]) => plain(v) ? leaves(v, prefix + k + '.') : [[prefix + k, v]])
function filtered({ include = /.*/, exclude = /(^|\.)_/ } = {}) {
  const out = {}
  for (const [path, v] of leaves()) if (include.test(path) && !exclude.test(path) && !(v instanceof Node)) {
    const [o, k] = parentOf(out, path); o[k] = v
  }
  return out
}

// === Expressions ===
// `$count++; @post('/inc')` becomes a function of `$` (signals), actions, `el` and `evt`.
function compile(code, returns) {
  const body = code.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1|\$(?=[A-Za-z_])|@([A-Za-z_]\w*)\(/g,  // not in strings
    (m, quote, action) => quote ? m : action ? `__a.${action}(__c,` : '$.')
  const fn = b => new Function('$', '__a', '__c', 'el', 'evt', b)
  // Value attributes return their last statement.
  try { return fn(returns ? `return (${body})` : body) } catch {
    const end = body.trim().replace(/;$/, ''), cut = end.lastIndexOf(';')
    return fn(`${end.slice(0, cut)}; return (${end.slice(cut + 1)})`)
  }
}

const compiled = {}  // returns + code -> function
function run(el, code, evt, returns = true) {
  try { return (compiled[returns + code] ??= compile(code, returns))($, actions, { el, evt }, el, evt) }
  catch (err) { console.error(`error in "${code}" on`, el, err) }
}

// === 2. attributes ===
const camel = s => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase())
const kebab = s => s.replace(/[A-Z]/g, c => '-' + c.toLowerCase())
const ms = (t, fallback) => t ? parseFloat(t) * (/\ds$/.test(t) ? 1000 : 1) : fallback  // 500ms, 1s, 500
const listen = (target, type, fn, opts) => (target.addEventListener(type, fn, opts), () => target.removeEventListener(type, fn, opts))
const all = stops => () => stops.forEach(stop => stop())

// A plugin gets `a`: `a.el`, `a.key` "click" and `a.mods` {debounce: ['200ms']} from
// `data-on:click__debounce.200ms`, `a.value`, `a.val()`, `a.exec(evt)` (run as statements), and
// `a.map()`: {done: $x} for `data-class:done="$x"` or `="{done: $x}"`. It may return a cleanup.
const plugins = {
  signals: a => mergeSignals(a.key ? { [camel(a.key)]: a.val() } : a.val() || {}, a.mods.has('ifmissing')),
  computed: a => all(Object.entries(a.key ? { [camel(a.key)]: a.val } : a.val() || {}).map(([name, fn]) => effect(() => setPath(name, fn())))),
  effect: a => effect(a.exec),
  text: a => effect(() => { a.el.textContent = a.val() ?? '' }),
  show: a => effect(() => a.el.style[a.val() ? 'removeProperty' : 'setProperty']('display', 'none')),
  class: a => effect(() => {
    for (const [names, on] of Object.entries(a.map())) names.split(/\s+/).forEach(n => n && a.el.classList.toggle(n, !!on))
  }),
  attr: a => effect(() => {
    for (const [name, v] of Object.entries(a.map()))
      v === false || v == null ? a.el.removeAttribute(name) : a.el.setAttribute(name, v === true ? '' : typeof v === 'object' ? JSON.stringify(v) : v)
  }),
  style(a) {
    const before = {}  // the inline value to restore when falsy
    return effect(() => {
      for (const [prop, v] of Object.entries(a.map())) {
        const name = kebab(prop)
        before[name] ??= a.el.style.getPropertyValue(name)
        a.el.style.setProperty(name, v || v === 0 ? v : before[name])
      }
    })
  },
  bind,
  on,
  init: a => { const t = setTimeout(a.exec, ms(a.mods.get('delay')?.[0], 0)); return () => clearTimeout(t) },
  'on-load': a => (console.warn('data-on-load is pre-1.0: use data-init', a.el), plugins.init(a)),
  'on-interval'(a) {
    const [duration, leading] = a.mods.get('duration') || [], t = setInterval(a.exec, ms(duration, 1000))
    if (leading) a.exec()
    return () => clearInterval(t)
  },
  'on-intersect'(a) {
    const m = a.mods, io = new IntersectionObserver(entries => entries.forEach(entry => {
      if (entry.isIntersecting !== m.has('exit')) { a.exec(entry); m.has('once') && io.disconnect() }
    }), { threshold: m.has('full') ? 1 : m.has('half') ? 0.5 : (m.get('threshold')?.[0] || 0) / 100 })
    io.observe(a.el)
    return () => io.disconnect()
  },
  indicator(a) {  // true while this element's request runs
    const name = camel(a.key || a.value)
    setPath(name, false)
    return listen(document, 'datastar-fetch', ({ detail: d }) => d.el === a.el && /^(started|finished)$/.test(d.type) && setPath(name, d.type === 'started'))
  },
  ref: a => setPath(camel(a.key || a.value), a.el),
  'json-signals': a => effect(() => {
    track('')  // the whole tree
    a.el.textContent = JSON.stringify(filtered(a.value ? a.val() : { exclude: /^$/ }), null, a.mods.has('terse') ? 0 : 2)
  }),
}

// The delay / debounce / throttle modifiers.
function timed(mods, fn) {
  let timer, last = 0, pending
  const [t, ...opts] = mods.get('debounce') || mods.get('throttle') || mods.get('delay') || [], wait = ms(t, 0)
  if (mods.has('debounce')) return evt => {
    if (opts.includes('leading') && !timer) fn(evt)
    clearTimeout(timer)
    timer = setTimeout(() => { timer = null; opts.includes('notrailing') || fn(evt) }, wait)
  }
  if (mods.has('throttle')) return evt => {  // at most once per `wait`
    const now = Date.now()
    pending = evt
    if (now - last >= wait) { last = now; if (!opts.includes('noleading')) return fn(evt) }
    if (opts.includes('trailing')) timer ??= setTimeout(() => { timer = null; last = Date.now(); fn(pending) }, wait - now + last)
  }
  return mods.has('delay') ? evt => setTimeout(() => fn(evt), wait) : fn
}

function on({ el, key, mods, exec }) {
  const name = mods.get('case')?.[0] === 'camel' ? camel(key) : key
  const target = mods.has('window') ? window  // datastar-* events fire on document
    : mods.has('document') || mods.has('outside') || name.startsWith('datastar-') ? document : el
  const act = timed(mods, exec)
  return listen(target, name, evt => {
    if (mods.has('outside') && el.contains(evt.target)) return
    if (mods.has('prevent') || name === 'submit' && el.tagName === 'FORM') evt.preventDefault()
    if (mods.has('stop')) evt.stopPropagation()
    act(evt)
  }, { once: mods.has('once'), passive: mods.has('passive'), capture: mods.has('capture') })
}

// Two-way binding of a form control and a signal (files: contentType 'form').
function bind({ el, key, value }) {
  const name = camel(key || value), type = el.type
  const update = () => setPath(name, type === 'checkbox' ? el.checked
    : type === 'radio' ? (el.checked ? el.value : getPath(name))
    : typeof getPath(name) === 'number' || type === 'number' || type === 'range' ? (el.value === '' ? '' : +el.value)
    : el.value)
  if (getPath(name) === undefined) update()
  return all([...['input', 'change', 'datastar-prop-change'].map(evt => listen(el, evt, update)), effect(() => {
    track(name)  // signal -> element
    const v = getPath(name)
    if (type === 'checkbox') el.checked = !!v
    else if (type === 'radio') el.checked = el.value === String(v)
    else if (el.value !== String(v ?? '')) el.value = v ?? ''
  })])
}

// === Applying attributes ===
const cleanups = new WeakMap()  // element -> Map(attribute name -> cleanup)
const seen = new WeakSet()  // elements already applied

function apply(el, name) {
  const [head, ...rest] = name.slice(5).split('__'), [plugin, key = ''] = head.split(/:(.*)/)
  const value = el.getAttribute(name), fn = plugins[plugin], val = () => run(el, value)
  if (!fn) return
  const done = fn({
    el, key, value, val,
    mods: new Map(rest.map(m => m.split('.')).map(([k, ...args]) => [k, args])),
    exec: evt => run(el, value, evt, false),
    map: () => key ? { [key]: val() } : val() || {},
  })
  if (typeof done === 'function') cleanups.set(el, (cleanups.get(el) || new Map()).set(name, done))
}

function cleanup(el, name) {
  for (const [attr, fn] of cleanups.get(el) || []) if (!name || attr === name) { fn(); cleanups.get(el).delete(attr) }
}

// Apply the data-* attributes of `el` and its descendants, in document order. data-ignore
// skips an element and its subtree; data-ignore__self only the element.
function scan(el) {
  if (el.nodeType !== 1 || el.hasAttribute('data-ignore')) return
  if (!seen.has(el) && !el.hasAttribute('data-ignore__self')) {
    seen.add(el)
    for (const { name } of [...el.attributes]) if (name.startsWith('data-')) apply(el, name)
  }
  for (const child of [...el.children]) scan(child)
}

// Added elements are applied, removed ones cleaned up, changed data-* attributes both.
new MutationObserver(records => {
  for (const { type, target, attributeName: name, addedNodes, removedNodes } of records) {
    if (type === 'attributes' && name.startsWith('data-') && target.isConnected
      && !target.closest('[data-ignore]') && !target.hasAttribute('data-ignore__self')) {
      cleanup(target, name)
      if (target.hasAttribute(name)) apply(target, name)
    }
    for (const node of removedNodes) if (node.nodeType === 1 && !node.isConnected)
      for (const gone of [node, ...node.querySelectorAll('*')]) { cleanup(gone); seen.delete(gone) }
    for (const node of addedNodes) if (node.isConnected && !node.parentElement?.closest('[data-ignore]')) scan(node)
  }
}).observe(document.documentElement, { childList: true, subtree: true, attributes: true })

// === 3. actions ===
const fire = (type, detail) => document.dispatchEvent(new CustomEvent(type, { detail }))
const inflight = new WeakMap()  // element -> its request's AbortController

const actions = Object.fromEntries(['get', 'post', 'put', 'patch', 'delete'].map(method =>
  [method, (c, url, options) => request(c, method.toUpperCase(), url, options)]))

async function request({ el, evt }, method, url, opts) {
  const o = { retryInterval: 1000, retryScaler: 2, retryMaxWait: 30000, retryMaxCount: 10, ...opts }
  // An element's new request aborts its last (unless requestCancellation: 'disabled').
  if (o.requestCancellation !== 'disabled') inflight.get(el)?.abort()
  const cancel = new AbortController(), { signal } = cancel
  inflight.set(el, cancel)
  if (!body(el, method, url, o, evt)) return  // an invalid form is not sent
  const report = (type, more) => fire('datastar-fetch', { type, el, argsRaw: { method, url, ...opts }, ...more })
  let tries = 0
  report('started')
  try {
    while (!signal.aborted) {
      let status = 0, broken
      try {
        const req = body(el, method, url, o, evt)  // fresh signals on every attempt
        const res = await fetch(req.url, { method, body: req.body, signal,
          headers: { Accept: 'text/event-stream, text/html, application/json', 'Datastar-Request': 'true',
            ...o.lastId && { 'last-event-id': o.lastId }, ...req.headers, ...o.headers } })
        status = res.status
        if (status === 200) { tries = 0; await read(res, el, o) }  // success resets the back-off
        else if (status >= 400) report('error', { status })
      } catch { broken = !signal.aborted }  // a network failure, not our own abort
      if (!(broken || { always: status !== 204 && (status < 300 || status > 399), error: status > 399 }[o.retry]) || signal.aborted) break
      if (++tries > o.retryMaxCount) { report('retries-failed'); break }
      report('retrying')  // back off: 1 s, 2 s, 4 s ... 30 s
      await new Promise(done => setTimeout(done, Math.min(o.retryInterval * o.retryScaler ** (tries - 1), o.retryMaxWait)))
    }
  } finally {
    if (inflight.get(el) === cancel) inflight.delete(el)
    report('finished')
  }
}

// What to send: the signals as JSON (in ?datastar= for GET, DELETE), or a form.
function body(el, method, url, o, evt) {
  const target = new URL(url, location), headers = {}, inQuery = method === 'GET' || method === 'DELETE'
  let data
  if (o.contentType === 'form') {
    const form = o.selector ? document.querySelector(o.selector) : el.closest('form')
    if (!form) return console.error('no form to send', el)
    if (!form.checkValidity()) return form.reportValidity()
    data = new FormData(form)
    const submitter = evt?.submitter || el.tagName === 'BUTTON' && el
    if (submitter?.name) data.append(submitter.name, submitter.value)
    if (inQuery) data.forEach((v, k) => target.searchParams.append(k, v))
    else if (form.enctype !== 'multipart/form-data') {  // multipart: the browser sets the type
      data = new URLSearchParams(data); headers['Content-Type'] = 'application/x-www-form-urlencoded'
    }
  } else {
    data = JSON.stringify(o.payload !== undefined ? o.payload : filtered(o.filterSignals))
    if (inQuery) target.searchParams.set('datastar', data)
    else headers['Content-Type'] = 'application/json'
  }
  return { url: target.href, headers, body: inQuery ? undefined : data }
}

// A 200 answer: HTML patches elements, JSON signals, JavaScript runs, else it is SSE.
async function read(res, el, o) {
  const type = res.headers.get('content-type')?.split(';')[0].trim()
  const options = (...keys) => Object.fromEntries(keys.map(k => [k, String(o.responseOverrides?.[k] ??
    res.headers.get('datastar-' + kebab(k)))]).filter(([, v]) => v !== 'null'))
  if (type === 'text/html') return dispatch('datastar-patch-elements', { elements: await res.text(), ...options('selector', 'mode', 'namespace') }, el)
  if (type === 'application/json') return dispatch('datastar-patch-signals', { signals: await res.text(), ...options('onlyIfMissing') }, el)
  if (type === 'text/javascript') {
    const script = Object.assign(document.createElement('script'), { textContent: await res.text() })
    for (const [k, v] of Object.entries(JSON.parse(res.headers.get('datastar-script-attributes') || '{}'))) script.setAttribute(k, v)
    return document.head.append(script)
  }
  // The SSE parser: lines end in \n, \r\n or \r; "field: value"; a blank line ends an event.
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = '', event = { data: [] }
  for (let done; !done;) {
    const chunk = await reader.read()
    done = chunk.done  // then "\n" ends a last "\r"
    const lines = (buffer + (done ? '\n' : chunk.value)).split(/\r\n|\r(?!$)|\n/)
    buffer = lines.pop()  // unfinished (a last \r may be half a \r\n)
    for (const line of lines) {
      const [, field, value] = /^([^:]*): ?(.*)$/.exec(line) || []
      if (line === '') {
        if ('id' in event) o.lastId = event.id  // sent back as Last-Event-ID
        if (event.retry) o.retryInterval = event.retry  // the server's `retry:`
        const args = {}
        for (const l of event.data) {  // "key value" lines, repeats joined
          const [, k, v = ''] = /^(\S*) ?(.*)$/.exec(l)
          args[k] = k in args ? args[k] + '\n' + v : v
        }
        if (event.type?.startsWith('datastar')) dispatch(event.type, args, el)
        event = { data: [] }
      } else if (field === 'event') event.type = value
      else if (field === 'data') event.data.push(value)
      else if (field === 'id') event.id = value
      else if (field === 'retry' && /^\d+$/.test(value)) event.retry = +value
    }
  }
}

// === 4. events ===
const parse = text => { try { return JSON.parse(text) } catch { return Function(`return (${text})`)() } }  // or a JS object

function dispatch(type, args, el) {
  fire('datastar-fetch', { type, el, argsRaw: args })  // every event is observable
  try {
    if (type === 'datastar-patch-elements') patchElements(args)
    if (type === 'datastar-patch-signals') mergeSignals(parse(args.signals), args.onlyIfMissing?.trim() === 'true')
  } catch (err) { console.error(`could not apply ${type}`, args, err) }
}

function patchElements({ selector, mode = 'outer', namespace, elements = '' }) {
  const whole = ['html', 'body', 'head'].find(tag => RegExp(`</${tag}>`, 'i').test(elements))
  if (whole) {  // a whole document, body or head
    const part = whole === 'html' ? 'documentElement' : whole
    return morph(document[part], new DOMParser().parseFromString(elements, 'text/html')[part])
  }
  const wrap = { svg: 'svg', mathml: 'math' }[namespace]  // so <circle> is parsed as SVG
  let parsed = Object.assign(document.createElement('template'), { innerHTML: wrap ? `<${wrap}>${elements}</${wrap}>` : elements }).content
  if (wrap) parsed = parsed.firstElementChild
  if (!selector && /^(outer|replace)$/.test(mode)) {  // each top-level element patches its id
    for (const node of [...parsed.children]) {
      const target = node.id && document.getElementById(node.id)
      if (!target) console.warn('no element to patch with id', node.id)
      else mode === 'outer' ? morph(target, node) : target.replaceWith(adopt(node))
    }
  } else if (!selector || !/^(outer|inner|remove|replace|prepend|append|before|after)$/.test(mode)) {
    throw new Error(`no selector, or an unknown mode: ${mode}`)
  } else for (const target of document.querySelectorAll(selector)) {
    if (mode === 'remove') target.remove()
    else if (mode === 'inner') morph(target, parsed, true)
    else if (mode === 'outer' && parsed.children.length === 1) morph(target, parsed.firstElementChild)
    else target[/^(outer|replace)$/.test(mode) ? 'replaceWith' : mode](...[...parsed.childNodes].map(adopt))
  }
}

// Parsed markup, copied for the page. A <script> parsed from HTML never runs; a new one does.
function adopt(node) {
  node = document.importNode(node, true)
  for (const old of node.nodeName === 'SCRIPT' ? [node] : node.querySelectorAll?.('script') || []) {
    const script = document.createElement('script')
    for (const a of old.attributes) script.setAttribute(a.name, a.value)
    script.textContent = old.textContent
    if (old === node) return script
    old.replaceWith(script)
  }
  return node
}

// === Morphing ===
// Turn `old` into `next` touching only what differs, so focus, typed text and state survive.
// A child matches by id (its own or one inside), else by tag; an id found elsewhere is moved.
let pool  // id -> element, in the tree being morphed

function morph(old, next, childrenOnly) {
  pool = new Map([...old.querySelectorAll('[id]')].map(e => [e.id, e]))
  childrenOnly ? morphChildren(old, next) : morphNode(old, next)
}

function morphNode(old, next) {
  if (old.nodeName !== next.nodeName || old.id !== next.id) return old.replaceWith(adopt(next))
  if (old.nodeType !== 1) { if (old.nodeValue !== next.nodeValue) old.nodeValue = next.nodeValue; return }
  if (old.hasAttribute('data-ignore-morph') && next.hasAttribute('data-ignore-morph')) return
  syncAttributes(old, next)
  if (old.nodeName === 'TEMPLATE') old.innerHTML = next.innerHTML
  else if (old.nodeName !== 'TEXTAREA') morphChildren(old, next)
}

function syncAttributes(old, next) {
  const keep = (old.getAttribute('data-preserve-attr') || '').split(/\s+/)
  const prop = (name, value) => { old[name] = value; old.dispatchEvent(new Event('datastar-prop-change')) }
  // What the user typed survives unless the server sends a different `value` attribute.
  if (old.nodeName === 'INPUT' && old.type !== 'file') {
    const value = next.getAttribute('value'), checked = next.hasAttribute('checked')
    if (old.getAttribute('value') !== value && old !== document.activeElement) prop('value', value ?? '')
    if (old.hasAttribute('checked') !== checked) prop('checked', checked)
  }
  if (old.nodeName === 'TEXTAREA' && next.textContent !== old.defaultValue) { old.defaultValue = next.textContent; prop('value', next.textContent) }
  if (old.nodeName === 'OPTION') old.selected = next.hasAttribute('selected')
  for (const { name, value } of next.attributes) if (!keep.includes(name) && old.getAttribute(name) !== value) old.setAttribute(name, value)
  for (const { name } of [...old.attributes]) if (!keep.includes(name) && !next.hasAttribute(name)) old.removeAttribute(name)
}

const idsIn = node => new Set([node, ...node.querySelectorAll?.('[id]') ?? []].map(e => e.id).filter(Boolean))

function morphChildren(oldParent, newParent) {
  let cursor = oldParent.firstChild
  for (const next of [...newParent.childNodes]) {
    let match = findMatch(cursor, next)
    if (!match && next.nodeType === 1) {
      const elsewhere = pool.get(next.id)
      if (elsewhere?.nodeName === next.nodeName && !elsewhere.contains(oldParent)) match = elsewhere
      else if (!idsIn(next).isDisjointFrom(pool)) match = document.importNode(next, false)  // a shell
    }
    if (!match) { oldParent.insertBefore(adopt(next), cursor); continue }
    if (match !== cursor) oldParent[match.isConnected && oldParent.moveBefore ? 'moveBefore' : 'insertBefore'](match, cursor)
    morphNode(match, next)
    cursor = match.nextSibling
  }
  while (cursor) { const gone = cursor; cursor = cursor.nextSibling; gone.remove() }
}

function findMatch(node, next) {
  const wanted = idsIn(next)
  let soft
  for (; node; node = node.nextSibling) {
    if (node.nodeName !== next.nodeName) continue
    if (node.nodeType !== 1) return soft || node
    const ids = idsIn(node)
    if (!wanted.isDisjointFrom(ids)) return node  // same id, or an id inside
    if (!soft && !ids.size && !next.id) soft = node  // same tag, no ids to lose
  }
  return soft
}

scan(document.documentElement)
fire('datastar-ready')
