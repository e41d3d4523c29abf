package fetch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/switchboardhq/switchboard/extract"
)

// MaxCrawlPages is the most pages one crawl may visit.
const MaxCrawlPages = 1000

// RobotsError is a crawl's start URL that robots.txt disallows.
type RobotsError struct{ URL string }

func (e *RobotsError) Error() string { return fmt.Sprintf("robots.txt disallows %s", e.URL) }

// CrawlResult counts what a crawl did.
type CrawlResult struct {
	// Pages is how many pages were passed to visit.
	Pages int
	// Skipped counts linked pages that failed to download or were of a
	// type not indexed; FirstSkip says why the first one was skipped.
	Skipped   int
	FirstSkip string
	// Disallowed counts links robots.txt kept the crawl from following.
	Disallowed int
}

// Crawl visits the pages of start's host reachable from start through links,
// breadth first, at most maxPages of them, obeying the host's robots.txt
// (rules and Crawl-delay for SwitchboardBot, or for every agent). HTML pages
// are followed; PDF, Markdown and text pages are visited but hold no links;
// other types are skipped. A start page that fails fails the crawl; a linked
// page that fails is skipped and counted. visit's error stops the crawl.
func (f *Fetcher) Crawl(ctx context.Context, start string, maxPages int, visit func(Page) error) (CrawlResult, error) {
	var res CrawlResult
	if maxPages < 1 || maxPages > MaxCrawlPages {
		return res, fmt.Errorf("max pages: %d is not between 1 and %d", maxPages, MaxCrawlPages)
	}
	startURL, err := CheckURL(start)
	if err != nil {
		return res, err
	}
	startURL.Fragment, startURL.RawFragment = "", ""
	host := strings.ToLower(startURL.Host)

	robots, err := f.robots(ctx, startURL.Scheme+"://"+startURL.Host+"/robots.txt")
	if err != nil {
		return res, err
	}
	group := robots.FindGroup(robotsAgent)
	allowed := func(path string) bool { return group.Test(path) }
	delay := min(group.CrawlDelay, f.maxCrawlDelay)
	if !allowed(requestPath(startURL.EscapedPath(), startURL.RawQuery)) {
		return res, &RobotsError{URL: startURL.String()}
	}

	queue := []string{startURL.String()}
	seen := map[string]bool{startURL.String(): true}
	skip := func(reason string) {
		res.Skipped++
		if res.FirstSkip == "" {
			res.FirstSkip = reason
		}
	}
	for i := 0; i < len(queue) && res.Pages < maxPages; i++ {
		if i > 0 && delay > 0 {
			select {
			case <-ctx.Done():
				return res, ctx.Err()
			case <-time.After(delay):
			}
		}
		page, err := f.Get(ctx, queue[i])
		if err != nil {
			if i == 0 || ctx.Err() != nil {
				return res, err
			}
			skip(err.Error())
			continue
		}
		// A redirect off the host leaves the site.
		if !strings.EqualFold(page.URL.Host, host) {
			if i == 0 {
				return res, fmt.Errorf("%s redirects to another host (%s)", queue[i], page.URL.Host)
			}
			skip(fmt.Sprintf("%s redirects to another host", queue[i]))
			continue
		}
		seen[page.URL.String()] = true
		switch page.MediaType() {
		case extract.TypeHTML, "application/xhtml+xml":
			links, err := extract.Links(page.Body, page.ContentType, page.URL)
			if err != nil {
				skip(fmt.Sprintf("%s: %v", page.URL, err))
				continue
			}
			for _, l := range links {
				key := l.String()
				if seen[key] || !strings.EqualFold(l.Host, host) || len(queue) >= maxPages*20 {
					continue
				}
				seen[key] = true
				if !allowed(requestPath(l.EscapedPath(), l.RawQuery)) {
					res.Disallowed++
					continue
				}
				queue = append(queue, key)
			}
		case extract.TypePDF, extract.TypeMarkdown, extract.TypeText:
		default:
			if i == 0 {
				return res, fmt.Errorf("%s is %q, not a web page", page.URL, page.ContentType)
			}
			skip(fmt.Sprintf("%s is %q", page.URL, page.ContentType))
			continue
		}
		if err := visit(page); err != nil {
			return res, err
		}
		res.Pages++
	}
	return res, nil
}

func requestPath(path, query string) string {
	if path == "" {
		path = "/"
	}
	if query != "" {
		return path + "?" + query
	}
	return path
}

// robots fetches and parses a robots.txt. None (4xx) allows everything; a
// server error (5xx) disallows everything, as the robots.txt standard asks.
func (f *Fetcher) robots(ctx context.Context, robotsURL string) (*robotstxt.RobotsData, error) {
	page, err := f.Get(ctx, robotsURL)
	var status *StatusError
	switch {
	case errors.As(err, &status):
		return robotstxt.FromStatusAndBytes(status.Code, nil)
	case err != nil:
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	data, err := robotstxt.FromStatusAndBytes(200, page.Body)
	if err != nil {
		// An unreadable robots.txt is as good as none.
		return robotstxt.FromStatusAndBytes(404, nil)
	}
	return data, nil
}
