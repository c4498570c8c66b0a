// Package e2e holds end-to-end tests that drive the whole Minzheng server through a real browser.
//
// The store, web and api packages have their own tests over httptest; those cannot see what only
// a browser does: follow redirects and keep cookies the way Chromium does, send Sec-Fetch-Site so
// that cross-origin protection is exercised for real, enforce the Content-Security-Policy, lay
// pages out at a phone's 360 px width, and click the buttons a street officer or an auditor
// actually clicks. Each test starts the demo city in-process on 127.0.0.1:0 with a temporary data
// folder and drives headless Chromium over the DevTools protocol with chromedp.
//
// The tests need a Chromium or Chrome binary (Debian's chromium package in CI). They skip only when
// none is installed; a browser that is installed but fails to start is a test failure. The
// network is assumed closed, so the browser runs with background networking, component updates,
// sync and QUIC turned off, and with a fresh profile folder per test.
//
// The package has no non-test code: this file exists to say why the package exists.
package e2e
