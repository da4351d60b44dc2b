import { createApp } from 'vue';
import { createPinia } from 'pinia';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { i18n } from './i18n';
import { createAppRouter } from './router';

const pinia = createPinia();
const app = createApp(App);
app.use(pinia);
app.use(createAppRouter(pinia));
app.use(i18n);
app.use(ElementPlus, { locale: zhCn });
app.mount('#app');
