// The root layout Next.js requires of an app/ directory (the test serves only the route handler).
export default function RootLayout({ children }) {
  return <html lang="en"><body>{children}</body></html>
}
