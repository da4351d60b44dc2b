import { createApp } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { storeActor } from './app/actor';
import { createServices, installServices, pageHallSyncParts, pageOutboxParts } from './app/root';
import { WorkstationDb } from './db/db';
import { createHostClient, createLibraryUnreachable, defaultTransport } from './host/client';
import { i18n } from './i18n';
import { createAppRouter } from './router';

// The page's one database, host client and services (renderer/app/root.ts), built here once;
// the stores reach them by injection, and the signed-in shell runs the start-up tasks
// (app/startup-tasks.ts). The acting operator is worked out from the stores (app/actor.ts).
const pinia = createPinia();
// The host client tells of each call the library did not answer; the link store listens.
const libraryUnreachable = createLibraryUnreachable();
const services = createServices({
  db: new WorkstationDb(),
  host: createHostClient(defaultTransport(), (error) => libraryUnreachable.observe(error)),
  libraryUnreachable,
  ...storeActor(pinia),
  outbox: pageOutboxParts(),
  hallSync: pageHallSyncParts(),
});
const app = createApp(App);
installServices(app, pinia, services);
app.use(createAppRouter(pinia));
app.use(i18n);
app.use(ElementPlus, { locale: zhCn });
app.mount('#app');
