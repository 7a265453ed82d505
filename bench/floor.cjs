'use strict'
// The floor npm run bench measures the action against: the least a Node program can do to send
// the action's requests, so that no ratio to it can fall below 1.0. CommonJS, no dependency but
// node:http, nothing read from disk but this file: the requests come as JSON in the one argument.
// No checks, no retries: a keep-alive agent (as the action uses), the requests one after the
// other, the bearer token taken from the IMS answer as any client takes it.
//
//   node bench/floor.cjs '[{"method":"POST","url":"http://…","headers":{…},"body":"…"}, …]'
//
// The IMS token request comes first. The bench records the requests from what the action really
// sent to the local server, so the floor sends the same URLs, headers and bodies byte for byte.

const { Agent, request } = require('node:http')

const requests = JSON.parse(process.argv[2])
const agent = new Agent({ keepAlive: true })

function send({ method, url, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function main() {
  let token
  for (const recorded of requests) {
    const headers = { ...recorded.headers }
    if (token !== undefined && headers.authorization !== undefined) headers.authorization = `Bearer ${token}`
    const answer = await send({ ...recorded, headers })
    if (answer.status >= 400) {
      process.stderr.write(`${recorded.method} ${recorded.url}: HTTP ${answer.status} ${answer.text.slice(0, 300)}\n`)
      process.exitCode = 1
      break
    }
    if (token === undefined) token = JSON.parse(answer.text).access_token
  }
  agent.destroy()
}

main()
