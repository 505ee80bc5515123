/** The app shell: the session gate, the navigation and the screen of the current path. */
import { useEffect, useState } from 'react';
import { logOut, onSessionChange, session, type Session } from './api.ts';
import { liveMode, onLiveModeChange, type LiveMode } from './live.ts';
import { Link, match, navigate, useLocation } from './router.tsx';
import { AccountsPage } from './pages/accounts.tsx';
import { BacktestPage, BacktestsPage } from './pages/backtests.tsx';
import { BotFormPage } from './pages/bot-form.tsx';
import { BotPage } from './pages/bot.tsx';
import { FleetPage } from './pages/fleet.tsx';
import { LoginPage } from './pages/login.tsx';

function useSession(): Session | null {
  const [current, setCurrent] = useState(session());
  useEffect(() => onSessionChange(setCurrent), []);
  return current;
}

function LiveIndicator() {
  const [mode, setMode] = useState<LiveMode>(liveMode());
  useEffect(() => onLiveModeChange(setMode), []);
  if (mode === 'off') return null;
  const text = { connecting: 'Connecting…', events: 'Live', polling: 'Live (polling)' }[mode];
  return (
    <span className={`live live-${mode}`} title={mode === 'polling' ? 'Refreshing every 2 seconds' : 'Updates stream from the platform'}>
      <span className="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

const NAV = [
  { to: '/', label: 'Fleet', active: (path: string) => path === '/' || path.startsWith('/bots') },
  { to: '/backtests', label: 'Backtests', active: (path: string) => path.startsWith('/backtests') },
  { to: '/accounts', label: 'Exchange accounts', active: (path: string) => path.startsWith('/accounts') },
];

function Screen({ path }: { path: string }) {
  if (path === '/' || path === '/bots') return <FleetPage />;
  if (path === '/bots/new') return <BotFormPage />;
  let params = match('/bots/:id/edit', path);
  if (params) return <BotFormPage botId={params['id']!} />;
  params = match('/bots/:id', path);
  if (params) return <BotPage botId={params['id']!} />;
  if (path === '/backtests') return <BacktestsPage />;
  params = match('/backtests/:id', path);
  if (params) return <BacktestPage backtestId={params['id']!} />;
  if (path === '/accounts') return <AccountsPage />;
  return (
    <div className="state empty">
      <strong>No such page.</strong> <Link to="/">Back to your fleet</Link>
    </div>
  );
}

export function App() {
  const current = useSession();
  const { path } = useLocation();
  const authPage = path === '/login' || path === '/register';

  useEffect(() => {
    if (!current && !authPage) navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
    if (current && authPage) navigate(new URLSearchParams(location.search).get('next') ?? '/', { replace: true });
  }, [current, authPage]);

  if (!current || authPage) return <LoginPage mode={path === '/register' ? 'register' : 'login'} />;
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          TradeBot
        </Link>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <Link key={item.to} to={item.to} className={item.active(path) ? 'active' : ''}>
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="account">
          <LiveIndicator />
          <span className="email" title={current.user.email}>
            {current.user.email}
          </span>
          <button type="button" className="secondary small" onClick={() => logOut()}>
            Log out
          </button>
        </div>
      </header>
      <main>
        <Screen path={path} />
      </main>
    </div>
  );
}
