import { createApp } from 'vue';
// Components come in per use (vite.config.js); the services called from
// scripts need their styles by hand.
import 'element-plus/theme-chalk/base.css';
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import App from './App.vue';
import { i18n } from './i18n/index.js';
import { router } from './router.js';
import { onExpired } from './lib/session.js';

onExpired.staff = () => router.push({ path: '/login', query: { expired: '1' } });
onExpired.participant = () => router.push('/h5/login');

createApp(App).use(i18n).use(router).mount('#app');
