import { endWhenDone, processEnding } from './linger.js'
import { run } from './main.js'
import { runnerIo } from './runner.js'

await run()
endWhenDone(processEnding(runnerIo().debug))
