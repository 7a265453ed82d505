// Preloaded (node --import) in the bench's probe runs only: records which files of dist/ the
// action loads and its peak RSS and, for the script named by BENCH_PROBE_SCRIPT, where its
// start-up goes, into the file named by BENCH_PROBE_OUT.
//
// The script's source is instrumented as it loads: a mark when its loading starts and one at its
// first statement; in an ncc bundle also the time each module takes to evaluate (its own, without
// the modules it requires) and the entry of a few functions of the action (MARKED). Times are
// performance.timeOrigin + performance.now(), so that the bench can place them on its own time
// line beside what its local server saw. The memory and bundle figures come from a run without
// BENCH_PROBE_SCRIPT, which instruments nothing.
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const script = process.env.BENCH_PROBE_SCRIPT
const at = () => performance.timeOrigin + performance.now()
const loaded = new Set()
const record = { marks: {}, modules: [], calls: {}, missing: [] }

// Functions of the action whose entry is marked on the start-up's time line, with the time their
// synchronous part takes (an async function's, up to its first await).
const MARKED = ['run', 'startSealed', 'readSettings', 'fetchAccessToken']

// Each rewrite must match once; a bundle that has changed shape is reported, not half measured.
const rewrites = [
  // The bundle's module loader: every module's evaluation passes through it.
  [
    /function __nccwpck_require__\(e\)\{/g,
    'function __nccwpck_require__(e){return globalThis[Symbol.for("bench.probe")].module(e,__nccwpck_require__.m,__bench_require__)}function __bench_require__(e){'
  ],
  ...MARKED.map((name) => [
    new RegExp(`(async )?function ${name}\\(`, 'g'),
    `function ${name}(...a){return globalThis[Symbol.for("bench.probe")].call("${name}",()=>__bench_${name}(...a))}$1function __bench_${name}(`
  ])
]

/** A module of the bundle that only requires a Node built-in: the built-in's name. */
const BUILTIN = /^\w+=>\{\w+\.exports=\w+\(import\.meta\.url\)\("(?:node:)?([\w/]+)"\)\}$/

const stack = []
globalThis[Symbol.for('bench.probe')] = {
  mark: (name) => (record.marks[name] ??= at()),
  module(id, modules, require) {
    const frame = { started: at(), children: 0 }
    stack.push(frame)
    try {
      return require(id)
    } finally {
      stack.pop()
      // What follows the call of run() in the entry module is the run, not the module's evaluation.
      const run = record.marks.run
      const took = (run !== undefined && run > frame.started ? run : at()) - frame.started
      if (stack.length > 0) stack[stack.length - 1].children += took
      record.modules.push({ id, self: took - frame.children, builtin: BUILTIN.exec(String(modules[id]))?.[1] })
    }
  },
  call(name, run) {
    const started = at()
    record.marks[name] ??= started
    try {
      return run()
    } finally {
      record.calls[name] ??= at() - started
    }
  }
}

function instrument(source) {
  let text = `globalThis[Symbol.for("bench.probe")].mark("first statement");${source}`
  if (!source.includes('__nccwpck_require__')) return text
  for (const [pattern, replacement] of rewrites) {
    if (text.match(pattern)?.length === 1) text = text.replace(pattern, replacement)
    else record.missing.push(String(pattern))
  }
  return text
}

registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('file:')) return nextLoad(url, context)
    const file = fileURLToPath(url)
    loaded.add(file)
    if (file === script) record.marks.load ??= at()
    const result = nextLoad(url, context)
    if (file !== script || result.source === undefined) return result
    return { ...result, source: instrument(String(result.source)) }
  }
})
process.on('exit', () => {
  writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ files: [...loaded], maxRssKb: process.resourceUsage().maxRSS, ...record }))
})
