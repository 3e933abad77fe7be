import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import App from './App.vue';
import { i18n } from './i18n/index.js';
import { router } from './router.js';
import { onExpired } from './lib/session.js';

onExpired.staff = () => router.push({ path: '/login', query: { expired: '1' } });
onExpired.participant = () => router.push('/h5/login');

createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
