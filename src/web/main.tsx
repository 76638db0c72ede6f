import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { applyStoredChoice } from './i18n.js';
import { keepForOffline } from './offline.js';
import { AppRoutes } from './routes.js';
import { readServerPage, ServerPageContext } from './server-page.js';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 2, refetchOnWindowFocus: false } },
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
const server = readServerPage();
// The data the server rendered the page with: the first render is the server's, no second request.
// Dated when the server made the page: a page kept for offline says how old its data is.
const updatedAt = (server && Date.parse(server.renderedAt)) || Date.now();
for (const { key, data } of server?.queries ?? []) queryClient.setQueryData(key, data, { updatedAt });
const app = (
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ServerPageContext.Provider
        value={
          server ?? {
            language: 'en',
            contacts: {},
            timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
            renderedAt: '',
            queries: [],
          }
        }
      >
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </ServerPageContext.Provider>
    </QueryClientProvider>
  </StrictMode>
);
// A public page arrives rendered by the server and already usable as a plain form;
// the scripts take it over where it is. Staff pages arrive as an empty shell.
if (root.firstElementChild) hydrateRoot(root, app);
else createRoot(root).render(app);
applyStoredChoice();
keepForOffline();
