// Lint, with the layer boundaries as rules (docs/architecture.md §10.1): shared/ is pure, renderer/ never
// reaches into the host, and nothing outside electron/main and electron/preload loads electron.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const nodeBuiltins = ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process', 'net', 'url', 'util', 'stream', 'buffer', 'zlib'];

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
            { group: ['**/electron/main/*', '**/electron/host/*', '**/sandbox/*', '**/hall/*'], message: 'renderer/ never imports the host, the sandbox or the hall.' },
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
            { group: ['**/electron/*', '**/electron/**', '**/renderer/*', '**/renderer/**', '**/sandbox/*', '**/sandbox/**'], message: 'hall/ depends on shared/ only: not on the host, the renderer or the sandbox.' },
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
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='vue-i18n']", message: 'Use t() from renderer/i18n: its keys are checked by the compiler.' }],
      'vue/no-restricted-syntax': ['error', { selector: "CallExpression[callee.name='$t']", message: 'Use t() from renderer/i18n: its keys are checked by the compiler.' }],
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
