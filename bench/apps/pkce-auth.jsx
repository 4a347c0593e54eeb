// The realistic minimal app (realistic-app.jsx) as it is: Bearer tokens, the size every user pays.
import { renderRealisticApp } from './realistic-app.jsx';

renderRealisticApp();
