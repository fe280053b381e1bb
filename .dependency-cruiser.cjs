/** The layering of DESIGN §2, checked on every `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'src/core imports nothing outside src/core (no node built-ins, no packages but re2js, a pure regex engine)',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: '^(src/core/|node_modules/re2js/)' },
    },
    {
      name: 'app-uses-only-core',
      comment: 'use cases depend only on the core and its ports',
      severity: 'error',
      from: { path: '^src/app/' },
      to: { pathNot: '^src/(core|app)/' },
    },
    {
      name: 'adapters-do-not-know-each-other',
      comment: 'the adapters (Slack, Alertmanager, jobs on Redis, provisioner) meet only in the composition root',
      severity: 'error',
      from: { path: '^src/(bot|alertmanager|jobs|provisioner)/' },
      to: { path: '^src/(bot|alertmanager|jobs|provisioner)/', pathNot: '^src/$1/' },
    },
    {
      name: 'only-the-composition-root-wires-adapters',
      comment: 'nothing but the composition root (main.ts, src/composition) imports the adapters',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|composition/|bot/|alertmanager/|jobs/|provisioner/)' },
      to: { path: '^src/(bot|alertmanager|jobs|provisioner)/' },
    },
    {
      name: 'http-is-infrastructure',
      comment: 'src/http (the server, health, discovery) serves the adapters and imports none of them',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(bot|alertmanager|jobs|provisioner|composition)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'not-to-test', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|sim)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
