// Layer rules: dependencies point inward (cli/http → engine → model/media → domain), no cycles.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      comment: 'domain/ imports nothing outside domain/ (no packages, no node built-ins)',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'masks-only-domain',
      severity: 'error',
      from: { path: '^src/masks/' },
      to: { pathNot: ['^src/(masks|domain|wasm)/', '^node_modules/simplify-js'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'wasm-is-a-leaf',
      comment: 'wasm/ assembles WebAssembly from named instructions: it imports nothing',
      severity: 'error',
      from: { path: '^src/wasm/' },
      to: { pathNot: '^src/wasm/' },
    },
    {
      name: 'media-not-inward-layers',
      severity: 'error',
      from: { path: '^src/media/' },
      to: { path: '^src/(model|engine|http|jobs|api|cli)/' },
    },
    {
      name: 'model-not-media-or-outer',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: ['^src/(media|engine|http|jobs|api|cli)/', '^node_modules/sharp'] },
    },
    {
      name: 'engine-not-outer',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: ['^src/(http|jobs|api|cli)/', '^node_modules/fastify'] },
    },
    {
      name: 'http-only-ports',
      comment: 'http/ talks to the engine port and the jobs port, never to model/ or media/',
      severity: 'error',
      from: { path: '^src/http/' },
      to: {
        path: [
          '^src/(model|media|masks)/',
          '^src/engine/(?!(engine|video-engine)\\.ts$)',
          '^src/jobs/(embedded|redis)/',
          '^src/redis/',
          '^node_modules/(onnxruntime-node|sharp)',
        ],
      },
    },
    {
      name: 'jobs-only-engine-port',
      comment: 'jobs/ runs work through the engine port; it never touches model/, media/, masks/ or the HTTP layer',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: {
        path: [
          '^src/(model|media|masks|http|api|cli|config)/',
          '^src/engine/(?!(engine|video-engine)\\.ts$)',
          '^node_modules/(onnxruntime-node|sharp|fastify)',
        ],
      },
    },
    {
      name: 'redis-is-infrastructure',
      comment:
        'redis/ holds connection handling only: it imports domain/ and the Redis client, nothing of the layers using it',
      severity: 'error',
      from: { path: '^src/redis/' },
      to: { path: '^src/(?!redis|domain)' },
    },
    {
      name: 'api-wire-only',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(model|media|masks|engine|http|jobs|cli|config)/' },
    },
    {
      name: 'leaves-config-observability',
      severity: 'error',
      from: { path: '^src/(config|observability)/' },
      to: { path: '^src/(?!config|observability|domain)' },
    },
    {
      name: 'demo-model-is-a-generator',
      comment: 'the synthetic-model generator may use only domain/ and onnx-proto',
      severity: 'error',
      from: { path: '^src/demo-model/' },
      to: { path: '^src/(?!demo-model|domain)' },
    },
    {
      name: 'no-demo-branching',
      comment: 'the engine and model layers never know about the demo model: real weights take the same path',
      severity: 'error',
      from: { path: '^src/(model|engine|media|masks|http|jobs)/' },
      to: { path: '^src/demo-model/' },
    },
    {
      name: 'nobody-imports-cli-or-compose',
      severity: 'error',
      from: { pathNot: '^src/cli/' },
      to: { path: ['^src/cli/', '^src/compose\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
