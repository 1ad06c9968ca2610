import { render } from 'preact';
import { createApi, createRequest } from './api';
import { locale } from './i18n';
import { listenForNavigation } from './push/client';
import { registerServiceWorker } from './pwa';
import { browserHistory } from './router';
import { createAppStore } from './state';
import { browserTabs } from './tabs';
import { App } from './ui/App';
import './styles.css';

const store = createAppStore({ api: createApi(), locale, history: browserHistory(), tabs: browserTabs() });
const request = createRequest();
const root = document.getElementById('app');
if (root) {
  render(<App store={store} request={request} />, root);
  void store.start();
}

void registerServiceWorker();
// A click on a notification asks the open page to show what it is about.
listenForNavigation((route, path) => {
  if (store.getState().screen.name === 'shell') store.navigate(route);
  else history.replaceState(null, '', path); // on the login page: land there after login
});
