// A create whose answer was lost may still commit seconds later: main looks for it before
// sending it again, and the post step before it says there was nothing to delete.

import type { Sender } from './sender.js'

/** How long a create of unknown outcome is looked for, before it is sent again and by the post step: a gateway may answer 5xx while the create commits a few seconds later. */
const LOOK_AGAIN_MS = 8_000
const FIRST_LOOK_MS = 1_000
const MAX_LOOKS = 10

/**
 * Looks for what a create of unknown outcome may have made, with growing waits (the first
 * `firstWaitMs`, or FIRST_LOOK_MS), until `look` finds it or LOOK_AGAIN_MS have passed; 'no time'
 * when the deadline comes before the next look. A gateway may give up on a create, or the job
 * be cancelled, seconds before the create commits: main looks before sending it again, and the
 * post step before it says there was nothing to delete.
 */
export async function lookAgain<T>(
  sender: Pick<Sender, 'now' | 'fits' | 'wait'>,
  look: () => Promise<T | undefined>,
  line: (look: number) => string,
  firstWaitMs = FIRST_LOOK_MS
): Promise<T | 'no time' | undefined> {
  const started = sender.now()
  let wait = firstWaitMs
  // MAX_LOOKS only bounds a clock that stands still or a Retry-After of 0; time ends the looks first.
  for (let n = 1; n <= MAX_LOOKS; n++) {
    if (!sender.fits(wait)) return 'no time'
    await sender.wait(wait, line(n))
    const found = await look()
    const left = LOOK_AGAIN_MS - (sender.now() - started)
    if (found !== undefined || left <= 0) return found
    wait = Math.min(wait * 2, left)
  }
  return undefined
}
