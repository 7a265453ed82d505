// @actions/workflow-parser imports its workflow schema as JSON without an import attribute, which Node
// refuses and jest only tolerates with a deprecation warning (actions/languageservices#387).
// jest.config.js maps that import here; require() reads the same file without the attribute.
module.exports = require('../../../node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json')
