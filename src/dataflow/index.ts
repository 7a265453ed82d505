import { endWhenDone, processEnding } from '../runner/exit-guard.js'
import { run } from './main.js'
import { runnerIo } from '../runner/workflow-commands.js'

await run()
endWhenDone(processEnding(runnerIo().debug))
