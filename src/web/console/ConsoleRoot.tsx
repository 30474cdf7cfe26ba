import { StrictMode } from 'react';
import type { Root } from 'react-dom/client';
import '../i18n';
import '../styles.css';
import { App } from './App';
import { Providers } from './Providers';

/** Mounts the staff console (antd, the console's texts and styles are loaded only here). */
export function mount(root: Root): void {
  root.render(
    <StrictMode>
      <Providers>
        <App />
      </Providers>
    </StrictMode>,
  );
}
