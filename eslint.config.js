// Lint, with the layer boundaries as rules (docs/architecture.md §10.1): shared/ is pure, renderer/ never
// reaches into the host, and nothing outside electron/main and electron/preload loads electron.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const nodeBuiltins = ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process', 'net', 'url', 'util', 'stream', 'buffer', 'zlib'];

// What only renderer/app/ and renderer/main.ts may build.
const builtOnce = [
  {
    selector: "NewExpression[callee.name='WorkstationDb']",
    message: 'The database is opened once, by renderer/main.ts; take it from the services (renderer/app/services.ts).',
  },
  {
    selector:
      'CallExpression[callee.name=/^create(HostClient|LibraryUnreachable|AuditLog|Outbox|ObjectionService|UsageRecordService|CatchUp|ReferenceCache|Retention|Services|Startup)$/]',
    message: 'Services are built once, by the composition root (renderer/app/root.ts); a store takes them with useServices().',
  },
];

// A module-level `let` is how a lazily created singleton (`x ??= …`) starts.
const noModuleState = {
  selector: "Program > VariableDeclaration[kind='let']",
  message: 'No module-level state: a service is built by the composition root (renderer/app/root.ts), state lives in a store.',
};

// Texts come through renderer/i18n's `t`, whose keys the compiler checks.
const i18nOnly = { selector: "ImportDeclaration[source.value='vue-i18n']", message: 'Use t() from renderer/i18n: its keys are checked by the compiler.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'dist-web/**', 'release/**', 'test-results/**', 'playwright-report/**', '.data/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] } },
    rules: {
      'vue/multi-word-component-names': 'off',
      'vue/attributes-order': 'off',
      // The template's layout is Prettier's (npm run format): the rules that would lay it out
      // otherwise are off, as eslint-config-prettier turns them off.
      'vue/first-attribute-linebreak': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/html-closing-bracket-spacing': 'off',
      'vue/html-indent': 'off',
      'vue/html-quotes': 'off',
      'vue/html-self-closing': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/mustache-interpolation-spacing': 'off',
      'vue/no-multi-spaces': 'off',
      'vue/no-spaces-around-equal-signs-in-attribute': 'off',
      'vue/singleline-html-element-content-newline': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'shared/ is pure: no Electron.' },
            { group: nodeBuiltins, message: 'shared/ is pure: no Node built-ins.' },
            { group: ['vue', 'vue-*', '@vue/*', 'pinia', 'element-plus', 'element-plus/*'], message: 'shared/ is pure: no Vue.' },
            { group: ['dexie', 'dexie/*'], message: 'shared/ is pure: no Dexie.' },
            { group: ['../electron/*', '../renderer/*', '../sandbox/*', '../hall/*'], message: 'shared/ depends on nothing but itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer never loads Electron: it talks to the host through the contract.' },
            { group: nodeBuiltins, message: 'The renderer has no Node.' },
            {
              group: ['**/electron/main/*', '**/electron/host/*', '**/sandbox/*', '**/hall/*'],
              message: 'renderer/ never imports the host, the sandbox or the hall.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['hall/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The hall is a server of its own: no Electron.' },
            {
              group: ['**/electron/*', '**/electron/**', '**/renderer/*', '**/renderer/**', '**/sandbox/*', '**/sandbox/**'],
              message: 'hall/ depends on shared/ only: not on the host, the renderer or the sandbox.',
            },
          ],
        },
      ],
    },
  },
  {
    // Texts come from the one catalogue through renderer/i18n's `t`, whose keys the compiler
    // checks; vue-i18n's own `t`/`$t` take any string.
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['renderer/i18n/**'],
    rules: {
      'no-restricted-syntax': ['error', i18nOnly],
      'vue/no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='$t']", message: 'Use t() from renderer/i18n: its keys are checked by the compiler.' },
      ],
    },
  },
  {
    // The composition root (docs/architecture.md §10.19): the database, the host client and every service are
    // built once, in renderer/app/ and renderer/main.ts; the rest of the renderer receives them.
    files: ['renderer/**/*.vue'],
    rules: { 'no-restricted-syntax': ['error', ...builtOnce, i18nOnly] },
  },
  {
    // …and no module keeps a lazily created singleton.
    // (renderer/i18n/ alone may import vue-i18n.)
    files: ['renderer/**/*.ts'],
    ignores: ['renderer/app/**', 'renderer/main.ts'],
    rules: { 'no-restricted-syntax': ['error', ...builtOnce, noModuleState, i18nOnly] },
  },
  {
    files: ['renderer/i18n/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...builtOnce, noModuleState] },
  },
  {
    // Components talk to stores (docs/architecture.md §10.8 and §10.19): never to the database, the host client, the
    // services or the root themselves. AppError is the one thing of host/ a page may name: the
    // failure its sentence comes from.
    files: ['renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer never loads Electron: it talks to the host through the contract.' },
            { group: nodeBuiltins, message: 'The renderer has no Node.' },
            { group: ['**/electron/main/*', '**/electron/host/*', '**/sandbox/*'], message: 'renderer/ never imports the host or the sandbox.' },
            { group: ['**/db/*', 'dexie', 'dexie/*'], message: 'A component reads and writes through a store (renderer/stores/), never Dexie.' },
            {
              group: ['**/host/*'],
              allowImportNames: ['AppError'],
              message: 'A component calls the host through a store (renderer/stores/); it may only name AppError.',
            },
            {
              group: ['**/app/root', '**/app/services', '**/app/actor'],
              message: "A component talks to stores; the services are the stores' (renderer/app/).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/host/**/*.ts', 'sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: 'The host services and the sandbox run in browser mode too: no Electron here.' }] },
      ],
    },
  },
);
