// The playground's own script: what a textarea and an iframe need to feel like an editor and a
// browser. Everything else on the page is Datastar attributes answered by the server.
//
// 1. The editor: line numbers, typed text shown at once (the colours follow from the server),
//    Tab / Shift+Tab / Enter that keep Python's indentation, Esc then Tab to leave, and every
//    change made through the browser's own editing so Ctrl+Z undoes it (Reset and Solve too).
// 2. The error line: marked in the gutter and under the code.
// 3. The preview's address bar: a history of the paths the preview showed (the proxy reports
//    each page the frame loads), back, forward, reload, and the real URL for a new tab.
// 4. Panes that resize (drag or arrow keys), remembered in this browser.
// 5. Saving that fails says so.

const $id = id => document.getElementById(id)

// === 1. the editor ===

const INDENT = '    '

// Replace the selection (or the range start..end) with `text` through the browser's editing, so
// it lands on the undo stack; fall back to setRangeText where execCommand is gone.
function insert(area, text, start = area.selectionStart, end = area.selectionEnd) {
  area.focus()
  area.setSelectionRange(start, end)
  const done = text === '' ? document.execCommand('delete') : document.execCommand('insertText', false, text)
  if (!done) {
    area.setRangeText(text, start, end, 'end')
    area.dispatchEvent(new Event('input', { bubbles: true }))
  }
}

function lineStart(value, at) { return value.lastIndexOf('\n', at - 1) + 1 }
function lineEnd(value, at) { const end = value.indexOf('\n', at); return end < 0 ? value.length : end }

// The lines the selection touches: [start of the first, end of the last].
function selectedLines(area) {
  const { value, selectionStart: from, selectionEnd: to } = area
  const last = to > from && value[to - 1] === '\n' ? to - 1 : to
  return [lineStart(value, from), lineEnd(value, last)]
}

function indent(area) {
  const { value, selectionStart: from, selectionEnd: to } = area
  if (from === to || !value.slice(from, to).includes('\n')) return insert(area, INDENT)
  const [start, end] = selectedLines(area)
  const block = value.slice(start, end).split('\n').map(line => line ? INDENT + line : line).join('\n')
  insert(area, block, start, end)
  area.setSelectionRange(start, start + block.length)
}

function dedent(area) {
  const { value, selectionStart: from, selectionEnd: to } = area
  const [start, end] = selectedLines(area)
  const lines = value.slice(start, end).split('\n')
  let removedFirst = 0
  const block = lines.map((line, i) => {
    const cut = line.match(/^ {1,4}|^\t/)?.[0].length || 0
    if (i === 0) removedFirst = cut
    return line.slice(cut)
  }).join('\n')
  if (block === value.slice(start, end)) return
  insert(area, block, start, end)
  if (from === to) {
    const caret = Math.max(start, from - removedFirst)
    area.setSelectionRange(caret, caret)
  } else area.setSelectionRange(start, start + block.length)
}

// Enter keeps the line's indentation, and adds a level after a line ending in ':'.
function newline(area) {
  const { value, selectionStart: from } = area
  const line = value.slice(lineStart(value, from), from)
  let lead = line.match(/^[ \t]*/)[0]
  if (/:\s*(#.*)?$/.test(line)) lead += INDENT
  insert(area, '\n' + lead)
}

let escaped = false  // Esc was the last key: the next Tab leaves the editor

function onKey(evt) {
  const area = evt.target
  if (evt.key === 'Escape') { escaped = true; return }
  if (evt.key === 'Tab' && escaped) { escaped = false; return }  // the browser moves the focus on
  escaped = false
  if (evt.key === 'Enter' && (evt.ctrlKey || evt.metaKey)) {
    evt.preventDefault()
    $id('run')?.click()
  } else if (evt.key === 'Tab' && !evt.ctrlKey && !evt.altKey && !evt.metaKey) {
    evt.preventDefault()
    evt.shiftKey ? dedent(area) : indent(area)
  } else if (evt.key === 'Enter' && !evt.shiftKey && !evt.altKey && !evt.isComposing) {
    evt.preventDefault()
    newline(area)
  }
}

// What is typed shows at once, uncoloured; the server's highlighting replaces it when it matches.
function showPlain(area) {
  const layer = $id('highlight')
  if (layer && layer.textContent !== area.value + '\n') layer.textContent = area.value + '\n'
  numberLines(area)
}

function numberLines(area) {
  const gutter = $id('gutter')
  if (!gutter) return
  const count = area.value.split('\n').length
  if (gutter.childElementCount !== count) {
    gutter.replaceChildren(...Array.from({ length: count }, (_, i) => {
      const span = document.createElement('span')
      span.textContent = i + 1
      return span
    }))
  }
  markLine(errorLine)
}

function syncScroll(area) {
  const layer = $id('highlight'), gutter = $id('gutter')?.parentElement
  if (layer) { layer.scrollTop = area.scrollTop; layer.scrollLeft = area.scrollLeft }
  if (gutter) gutter.scrollTop = area.scrollTop
  markLine(errorLine)
  markLines(sourceLines)
}

let lastSeq = 0
// The server sends code for the editor (Reset, Solve, Restore): it replaces everything, undoably.
function replaceCode(area, incoming) {
  const { code, seq } = incoming
  if (!seq || seq === lastSeq || typeof code !== 'string') return
  lastSeq = seq
  if (area.value === code) return
  insert(area, code, 0, area.value.length)
  area.setSelectionRange(0, 0)
  area.scrollTop = 0
}

// === 2. the error line ===

let errorLine = 0
function lineHeight(area) { return parseFloat(getComputedStyle(area).lineHeight) || 19 }

function markLine(line) {
  errorLine = +line || 0
  const area = $id('code'), band = $id('error-line'), gutter = $id('gutter')
  if (!area || !band) return
  gutter?.querySelectorAll('.error').forEach(n => n.classList.remove('error'))
  if (!errorLine) { band.hidden = true; return }
  const top = parseFloat(getComputedStyle(area).paddingTop) + (errorLine - 1) * lineHeight(area) - area.scrollTop
  band.style.top = top + 'px'
  band.style.height = lineHeight(area) + 'px'
  band.hidden = false
  gutter?.children[errorLine - 1]?.classList.add('error')
}

function showLine(line) {
  const area = $id('code')
  if (!area || !line) return
  const lines = area.value.split('\n')
  const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0)
  area.focus()
  area.setSelectionRange(at, at + (lines[line - 1] || '').length)
  area.scrollTop = Math.max(0, (line - 4) * lineHeight(area))
  markLine(line)
}

// Click to source: the handler's lines, banded in the editor (a pick in the preview shows them).
let sourceLines = null

function markLines(range) {
  sourceLines = range
  const area = $id('code'), band = $id('source-lines')
  if (!area || !band) return
  if (!range) { band.hidden = true; return }
  const [from, to] = range
  band.style.top = (parseFloat(getComputedStyle(area).paddingTop) + (from - 1) * lineHeight(area) - area.scrollTop) + 'px'
  band.style.height = ((to - from + 1) * lineHeight(area)) + 'px'
  band.hidden = false
}

function showLines(from, to) {
  const area = $id('code')
  if (!area || !from) return
  area.scrollTop = Math.max(0, (from - 3) * lineHeight(area))
  markLines([from, to || from])
}

// Alt+click in the preview: its helper script (served by the proxy) posts which element it was.
addEventListener('message', (evt) => {
  const f = frame(), visitor = $id('visitor')
  const from = [f, visitor].filter(Boolean).map(x => new URL(x.dataset.origin || x.src, location.href).origin)
  if (!from.includes(evt.origin) || !evt.data || evt.data.stario !== 'pick') return
  dispatchEvent(new CustomEvent('stario-pick', { detail: { id: String(evt.data.id || ''), tag: String(evt.data.tag || '') } }))
})

// === 3. the preview's address bar ===

const trail = { stack: ['/'], at: 0, pending: null, frame: null }

function frame() { return $id('preview') }

function setAddress(path) {
  const input = $id('preview-address'), open = $id('preview-open'), f = frame()
  if (input && document.activeElement !== input) input.value = path
  if (open) open.href = f ? f.dataset.origin + path : '#'
  const back = $id('preview-back'), forward = $id('preview-forward'), reload = $id('preview-reload')
  if (back) back.disabled = !f || trail.at === 0
  if (forward) forward.disabled = !f || trail.at >= trail.stack.length - 1
  if (reload) reload.disabled = !f
  if (input) input.disabled = !f
  open?.classList.toggle('disabled', !f)
  open?.setAttribute('aria-disabled', String(!f))
}

function load(path) {
  const f = frame()
  if (!f) return false
  trail.pending = path
  try { f.contentWindow.location.replace(f.dataset.origin + path) }  // no entry in the page's own history
  catch { f.src = f.dataset.origin + path }
  setAddress(path)
  return true
}

function go(path) {
  path = String(path || '/').trim()
  if (/^https?:\/\//.test(path)) { try { const u = new URL(path); path = u.pathname + u.search + u.hash } catch {} }
  if (!path.startsWith('/')) path = '/' + path
  if (!frame()) return flash('Press Run first: your app is not running.')
  trail.stack.splice(trail.at + 1, Infinity, path)
  trail.at = trail.stack.length - 1
  load(path)
}

function back() { if (trail.at > 0) load(trail.stack[--trail.at]) }
function forward() { if (trail.at < trail.stack.length - 1) load(trail.stack[++trail.at]) }
function reload() { load(trail.stack[trail.at]) }

// The proxy saw the frame load `path` (a link, a form, a redirect, or our own navigation).
function navigated(path, n) {
  if (!frame() || !path || n === trail.seen) return
  trail.seen = n
  if (path === trail.pending) { trail.pending = null; return setAddress(path) }
  if (path !== trail.stack[trail.at]) {
    trail.stack.splice(trail.at + 1, Infinity, path)
    trail.at = trail.stack.length - 1
  }
  setAddress(path)
}

// A new run of an app that was already up: the same frame loads it, from the top.
function newRun(run) {
  const f = frame()
  if (!f || String(run) === f.dataset.run) return
  f.dataset.run = run
  trail.stack = ['/']
  trail.at = 0
  trail.run = String(run)
  load('/')
}

function newFrame() {
  const f = frame()
  if (f && f.dataset.run !== trail.run) {
    trail.run = f.dataset.run
    trail.stack = ['/']
    trail.at = 0
    trail.pending = null
  }
  setAddress(trail.stack[trail.at] || '/')
}

function flash(text) {
  const status = $id('status')
  if (status) { status.textContent = text; status.className = 'error' }
}

// Paths in the lesson's prose open in the preview.
document.addEventListener('click', evt => {
  const link = evt.target.closest?.('a.preview-path')
  if (!link) return
  evt.preventDefault()
  go(link.dataset.path)
  $id('preview-bar')?.scrollIntoView({ block: 'nearest' })
})

// === 4. panes that resize ===

const DEFAULTS = { left: 0.30, middle: 0.34, results: 0.32, preview: 0.64 }  // as in playground.css
const SIZES = { left: ['panes', '--left', 'x'], middle: ['panes', '--middle', 'x'], results: ['work', '--results', 'y'], preview: ['live-pane', '--preview', 'y'] }

function resize(name, fraction) {
  const [box, variable] = SIZES[name]
  const el = $id(box)
  if (!el) return
  const value = Math.min(0.8, Math.max(0.12, fraction))
  el.style.setProperty(variable, (value * 100).toFixed(1) + '%')
  try { localStorage.setItem('stario.playground.' + name, value) } catch {}
}

function fractionOf(splitter, evt) {
  const [box, , axis] = SIZES[splitter.dataset.resize]
  const rect = $id(box).getBoundingClientRect()
  const name = splitter.dataset.resize
  if (axis === 'x') {
    const start = name === 'middle' ? $id('work').getBoundingClientRect().left : rect.left
    return (evt.clientX - start) / rect.width
  }
  // results grow upwards from the bottom of the work pane; the preview downwards from its bar
  if (name === 'results') return (rect.bottom - evt.clientY) / rect.height
  return (evt.clientY - $id('preview-pane').getBoundingClientRect().top) / rect.height
}

document.addEventListener('pointerdown', evt => {
  const splitter = evt.target.closest?.('.splitter')
  if (!splitter || !SIZES[splitter.dataset.resize]) return
  evt.preventDefault()
  splitter.setPointerCapture(evt.pointerId)
  document.body.classList.add('resizing')
  const move = e => resize(splitter.dataset.resize, fractionOf(splitter, e))
  const up = () => {
    splitter.removeEventListener('pointermove', move)
    document.body.classList.remove('resizing')
  }
  splitter.addEventListener('pointermove', move)
  splitter.addEventListener('pointerup', up, { once: true })
  splitter.addEventListener('lostpointercapture', up, { once: true })
})

document.addEventListener('keydown', evt => {
  const splitter = evt.target.closest?.('.splitter')
  if (!splitter || !SIZES[splitter.dataset.resize]) return
  const step = { ArrowLeft: -0.02, ArrowUp: -0.02, ArrowRight: 0.02, ArrowDown: 0.02 }[evt.key]
  if (!step) return
  evt.preventDefault()
  const [box, variable] = SIZES[splitter.dataset.resize]
  const now = parseFloat(getComputedStyle($id(box)).getPropertyValue(variable)) / 100 || DEFAULTS[splitter.dataset.resize]
  const sign = splitter.dataset.resize === 'results' ? -1 : 1
  resize(splitter.dataset.resize, now + sign * step)
})

function restoreSizes() {
  for (const name of Object.keys(SIZES)) {
    try {
      const saved = parseFloat(localStorage.getItem('stario.playground.' + name))
      if (saved) resize(name, saved)
    } catch {}
  }
}

// === 5. saving that fails says so; streams of events stay at their newest ===

document.addEventListener('datastar-fetch', ({ detail }) => {
  if (detail.el?.id !== 'code') return
  const state = $id('save-state')
  if (!state) return
  if (detail.type === 'error') {
    state.textContent = detail.status === 413
      ? ' · Not saved: your code is too large to keep (over 256 KB).'
      : ` · Not saved: the playground answered ${detail.status}.`
    state.className = 'error'
  } else if (detail.type === 'retries-failed' || detail.type === 'retrying') {
    state.textContent = ' · Not saved: the playground cannot be reached.'
    state.className = 'error'
  }
})

// A stream's details keep its newest events in view: the oldest in view fold away.
function followNewest(list) {
  const folded = $id('detail-older'), count = $id('folded-count')
  while (folded && list.childElementCount > 20) {
    folded.append(list.firstElementChild)
    if (folded.childElementCount > 500) folded.firstElementChild.remove()
    $id('detail-folded').hidden = false
  }
  if (count && folded) count.textContent = folded.childElementCount
  const box = list.closest('.list')
  if (box && box.scrollHeight - box.scrollTop - box.clientHeight < 160) box.scrollTop = box.scrollHeight
}

// === wiring ===

function wire() {
  const area = $id('code')
  if (area && !area.dataset.wired) {
    area.dataset.wired = '1'
    area.addEventListener('keydown', onKey)
    area.addEventListener('input', () => showPlain(area))
    area.addEventListener('scroll', () => syncScroll(area))
    numberLines(area)
  }
  const layer = $id('highlight')
  if (area && layer && layer.textContent !== area.value + '\n') showPlain(area)
  newFrame()
}

let shownDetail = null  // the request whose details are shown: a new one opens at its newest event
new MutationObserver(records => {
  wire()
  const detail = $id('detail')
  if (detail && detail.dataset.request !== shownDetail) {
    shownDetail = detail.dataset.request
    const box = detail.closest('.list')
    if (box && $id('detail-events')) box.scrollTop = box.scrollHeight
  }
  for (const r of records) {
    const list = r.target.closest?.('#detail-events') || (r.target.id === 'detail-events' && r.target)
    if (list) followNewest(list)
  }
}).observe(document.body, { childList: true, subtree: true })

window.playground = { replaceCode, markLine, showLine, showLines, markLines, go, back, forward, reload, navigated, newRun }
restoreSizes()
wire()
