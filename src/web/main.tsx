import { createRoot } from 'react-dom/client';

/**
 * One Vite app, two separate shells: the owner portal (`/portal/…`, antd-mobile) and the staff console (everything
 * else, antd). Each is a lazy chunk, so the portal on a phone never downloads the console's antd, styles or texts,
 * and the console never loads antd-mobile. A survey link (`/s/<token>`) loads only the one-screen survey page.
 */
const root = createRoot(document.getElementById('root')!);
if (/^\/s\/[0-9a-f]+\/?$/.test(window.location.pathname)) void import('./surveys/public/SurveyRoot').then((m) => m.mount(root));
else if (/^\/portal(\/|$)/.test(window.location.pathname)) void import('./portal/PortalRoot').then((m) => m.mount(root));
else void import('./console/ConsoleRoot').then((m) => m.mount(root));
