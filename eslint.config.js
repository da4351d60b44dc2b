// Lint, with the layer boundaries as rules (STYLE.md 1): shared/ is pure, renderer/ never
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
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/attributes-order': 'off',
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
    files: ['electron/host/**/*.ts', 'sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: 'The host services and the sandbox run in browser mode too: no Electron here.' }] },
      ],
    },
  },
);
