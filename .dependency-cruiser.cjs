/** The layering of DESIGN §2, checked on every `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core imports nothing outside src/core (no node built-ins, no packages but re2js, a pure regex engine)',
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
      comment: 'bot, jobs and provisioner meet only in main.ts',
      severity: 'error',
      from: { path: '^src/(bot|jobs|provisioner)/' },
      to: { path: '^src/(bot|jobs|provisioner)/', pathNot: '^src/$1/' },
    },
    {
      name: 'only-main-wires-adapters',
      comment: 'nothing but the composition root (main.ts, src/cli) imports the adapters',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts|cli/|bot/|jobs/|provisioner/)' },
      to: { path: '^src/(bot|jobs|provisioner)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'not-to-test', severity: 'error', from: { path: '^src/' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
