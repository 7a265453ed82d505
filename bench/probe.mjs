// Preloaded (node --import) in the bench's probe runs only: records which files of dist/ the
// action loads, and its peak RSS, into the file named by BENCH_PROBE_OUT.
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const loaded = new Set()
registerHooks({
  load(url, context, nextLoad) {
    if (url.startsWith('file:')) loaded.add(fileURLToPath(url))
    return nextLoad(url, context)
  }
})
process.on('exit', () => {
  writeFileSync(process.env.BENCH_PROBE_OUT, JSON.stringify({ files: [...loaded], maxRssKb: process.resourceUsage().maxRSS }))
})
