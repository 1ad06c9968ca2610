import { render } from 'preact';
import { createApi } from './api';
import { locale } from './i18n';
import { createAppStore } from './state';
import { App } from './ui/App';
import './styles.css';

const store = createAppStore({ api: createApi(), locale });
const root = document.getElementById('app');
if (root) {
  render(<App store={store} />, root);
  void store.start();
}
