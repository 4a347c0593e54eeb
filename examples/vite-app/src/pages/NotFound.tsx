import { Link } from 'react-router-dom';

export function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>
        Nothing lives here. <Link to="/">Go home</Link>.
      </p>
    </section>
  );
}
