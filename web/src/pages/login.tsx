/** Log in or register; a registered user is logged in at once. */
import { useState, type FormEvent } from 'react';
import { ApiError, logIn, register, sessionEndReason } from '../api.ts';
import { Field, inputProps, type FieldErrors } from '../components/fields.tsx';
import { FormError } from '../components/ui.tsx';
import { Link } from '../router.tsx';

export function LoginPage({ mode }: { mode: 'login' | 'register' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | undefined>(sessionEndReason);
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(undefined);
    try {
      await (registering ? register(email, password) : logIn(email, password));
    } catch (error) {
      if (error instanceof ApiError && error.field) setErrors({ [error.field]: error.message });
      else setMessage(error instanceof ApiError && error.status === 401 ? 'Wrong email or password.' : (error as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="auth">
      <form className="card" onSubmit={submit} aria-label={registering ? 'Register' : 'Log in'}>
        <h1>TradeBot</h1>
        <p className="muted">{registering ? 'Create your account: paper trading works at once, no exchange needed.' : 'Log in to manage your bots.'}</p>
        <FormError message={message} />
        <Field label="Email" name="email" errors={errors}>
          <input {...inputProps('email', errors)} type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        </Field>
        <Field label="Password" name="password" errors={errors} hint={registering ? '8 characters or more.' : undefined}>
          <input
            {...inputProps('password', errors)}
            type="password"
            autoComplete={registering ? 'new-password' : 'current-password'}
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Create account' : 'Log in'}
        </button>
        <p className="muted">
          {registering ? (
            <>
              Already registered? <Link to="/login">Log in</Link>
            </>
          ) : (
            <>
              New here? <Link to="/register">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </div>
  );
}
