// A suite that starts proxies of its own: no proxy variable of the machine leaks into it, each
// test's proxies and servers are closed after it, and the variables are put back as they were.

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']

/** Registers the suite's hooks; returns the list a test adds its closers to. */
export function isolatedProxyEnvironment(): Array<() => Promise<void> | void> {
  const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]))
  const closers: Array<() => Promise<void> | void> = []
  beforeEach(() => {
    for (const name of PROXY_VARIABLES) delete process.env[name]
  })
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()))
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })
  return closers
}
