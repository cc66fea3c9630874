// Each browser test class starts its own web host and its own Chromium. Run side by side on CI's two cores, a page once
// waited more than Playwright's 30 s for its load event (NeedsActionTests, 2026-12-07); one at a time they take about as
// long in all and wait for nothing but the page they test.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
