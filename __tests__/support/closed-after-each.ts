// Stand-ins a test starts (a MySQL server, a proxy, a scripted server) are closed after it,
// whatever it did.

/** `open`, wrapped: what it opens during a test is closed by an afterEach this call registers. */
export function closedAfterEach<A extends unknown[], T extends { close(): unknown }>(open: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  const opened: T[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((item) => item.close()))
  })
  return async (...args) => {
    const item = await open(...args)
    opened.push(item)
    return item
  }
}
