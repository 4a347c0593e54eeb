// The realistic minimal app (realistic-app.jsx) with `dpop: true`: tokens bound to a browser key (DPoP).
import '@pkce-auth/react/dpop';
import { renderRealisticApp } from './realistic-app.jsx';

renderRealisticApp({ dpop: true });
