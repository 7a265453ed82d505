// A cancelled job: GitHub sends the step SIGINT, then SIGTERM about 7.5 s later, then ends it.
// What the post step needs is saved before a create is sent, and saving is synchronous, so it is
// on disk whenever a signal comes; what is left is to say what the step leaves behind, and end.

/** Until the returned undo is called, a SIGINT or SIGTERM runs `say` and ends the process at once. */
export function onSignal(say: (signal: string) => void): () => void {
  const cancelled = (signal: NodeJS.Signals): void => {
    say(signal)
    process.exit(1)
  }
  process.once('SIGINT', cancelled)
  process.once('SIGTERM', cancelled)
  return () => {
    process.off('SIGINT', cancelled)
    process.off('SIGTERM', cancelled)
  }
}
