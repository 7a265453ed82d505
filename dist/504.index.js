export const id = 504;
export const ids = [504];
export const modules = {

/***/ 4504:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runPreflight: () => (/* binding */ runPreflight)
/* harmony export */ });
/* unused harmony exports tlsFor, describeLoginFailure */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
// Logs into the database from the runner with exactly the values Platform is about to receive,
// so a wrong password is found now rather than at the first dataflow run.



/** The TLS behaviour Connector/NET gives each SslMode; empty means Preferred, its default. */
function tlsFor(target) {
    switch (target.sslMode ?? 'Preferred') {
        case 'None':
            return undefined;
        case 'Preferred':
        case 'Required':
            return { rejectUnauthorized: false };
        case 'VerifyCA':
            // The chain must be trusted; the host name need not match.
            return { rejectUnauthorized: true, verifyIdentity: false };
        case 'VerifyFull':
            // For an IP address mysql2 sends no server name and Node would check "localhost":
            // the address is then checked after the handshake (checkAddress).
            return { rejectUnauthorized: true, verifyIdentity: (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(target.host) === 0 };
    }
}
/** One plain sentence for a failed login, with MySQL's error number where there is one. */
function describeLoginFailure(error, target) {
    const { errno, code, sqlMessage, message } = (error ?? {});
    const where = `${target.host}:${target.port}`;
    const server = sqlMessage ? `MySQL ${errno}: ${sqlMessage.replace(/\s+/g, ' ').replace(/\.$/, '')}` : undefined;
    switch (errno) {
        case 1045:
            return `${server}. Check username and password${target.sslMode === 'None' ? ", and whether this user requires TLS (then set ssl-mode to Required)" : ''}.`;
        case 1049:
            return `${server}: database "${target.database}" does not exist on ${where}. Check the database input.`;
        case 1044:
            return `${server}: user "${target.username}" may not use database "${target.database}" (MySQL answers this also when the database does not exist). Check the database name and the user's grants.`;
        case 3159:
            return `${server}: the server requires TLS. Set ssl-mode to Required (or VerifyCA, VerifyFull).`;
    }
    if (server)
        return `${server}.`;
    switch (code) {
        case 'ECONNREFUSED':
            return `the connection to ${where} was refused: nothing listens there. Check host and port.`;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return `the host name "${target.host}" could not be resolved from the runner. Check host.`;
        case 'ETIMEDOUT':
        case 'PROTOCOL_SEQUENCE_TIMEOUT':
            return `no answer from ${where} in time. A database that admits only Adobe's IP ranges cannot be reached from the runner: preflight: warn keeps this a warning, off skips the login.`;
        case 'HANDSHAKE_NO_SSL_SUPPORT':
            return `ssl-mode ${target.sslMode} asks for TLS, but the server at ${where} does not offer it. Enable TLS on the server, or set ssl-mode to None or Preferred.`;
        case 'HANDSHAKE_SSL_ERROR':
        case 'ERR_TLS_CERT_ALTNAME_INVALID':
            // mysql2 files every certificate problem under one code; Node's own words are in the message.
            return `the server's TLS certificate could not be verified under ssl-mode ${target.sslMode ?? 'Preferred'} (${message ?? code}). Fix the certificate or the host name, or use ssl-mode Required to encrypt without verifying.`;
    }
    return `the login to ${where} failed (${code ?? 'unknown error'}). Check host, port and ssl-mode.`;
}
/** VerifyFull for a host given as an IP address: the certificate must name that address. */
function checkAddress(connection, address) {
    const socket = connection.connection?.stream;
    const certificate = socket?.getPeerCertificate?.();
    const failure = certificate ? (0,node_tls__WEBPACK_IMPORTED_MODULE_1__.checkServerIdentity)(address, certificate) : new Error('the server certificate could not be read');
    if (failure)
        throw Object.assign(failure, { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
}
async function runPreflight(target, timeoutMs) {
    const mysql = await __webpack_require__.e(/* import() */ 588).then(__webpack_require__.t.bind(__webpack_require__, 7588, 19));
    const options = {
        host: target.host,
        port: target.port,
        user: target.username,
        password: target.password,
        database: target.database,
        connectTimeout: timeoutMs
    };
    const connect = async (ssl) => mysql.createConnection({ ...options, ...(ssl ? { ssl } : {}) });
    let connection;
    try {
        try {
            connection = await connect(tlsFor(target));
        }
        catch (error) {
            // Preferred means "TLS when the server offers it": fall back to plain only when it does not.
            if (target.sslMode !== undefined && target.sslMode !== 'Preferred')
                throw error;
            if (error.code !== 'HANDSHAKE_NO_SSL_SUPPORT')
                throw error;
            connection = await connect(undefined);
        }
        if (target.sslMode === 'VerifyFull' && (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIP)(target.host) !== 0)
            checkAddress(connection, target.host);
    }
    catch (error) {
        await connection?.end().catch(() => undefined);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`Preflight login to MySQL failed: ${describeLoginFailure(error, target)}`);
    }
    try {
        const [versionRows] = await connection.query({ sql: 'SELECT VERSION() AS version', timeout: timeoutMs });
        const [countRows] = await connection.query({
            sql: "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'",
            values: [target.database],
            timeout: timeoutMs
        });
        const version = String(versionRows[0]?.version ?? '');
        const tableCount = Number(countRows[0]?.n ?? 0);
        return { version, tableCount };
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ActionError */ .lZ(`Preflight query on MySQL failed: ${describeLoginFailure(error, target)}`);
    }
    finally {
        await connection.end().catch(() => undefined);
    }
}


/***/ })

};
