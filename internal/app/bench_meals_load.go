package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// benchMeal is one counter transaction the load generator sends: at a canteen, with its token,
// under an Idempotency-Key of its own.
type benchMeal struct {
	canteen benchCanteen
	card    string
	key     string
}

// benchReceipt is the part of a terminal's receipt the load generator checks.
type benchReceipt struct {
	TransactionID int64 `json:"transaction_id"`
	PriceFen      int64 `json:"price_fen"`
	DinerPaysFen  int64 `json:"diner_pays_fen"`
	CityFen       int64 `json:"city_fen"`
	DistrictFen   int64 `json:"district_fen"`
	StreetFen     int64 `json:"street_fen"`
	Replayed      bool  `json:"replayed"`
}

// benchOutcome is what became of one request: the HTTP status (0 when no answer came), the
// receipt of a 2xx answer, how long it took, and whether it was a retry of the previous meal.
type benchOutcome struct {
	meal    benchMeal
	status  int
	receipt benchReceipt
	err     error
	latency time.Duration
	retry   bool
}

// ok reports whether the answer is what a terminal expects: 201 for a new meal, 200 with
// replayed for a retry.
func (o benchOutcome) ok() bool {
	if o.err != nil {
		return false
	}
	if o.retry {
		return o.status == http.StatusOK && o.receipt.Replayed
	}
	return o.status == http.StatusCreated && !o.receipt.Replayed
}

// mealsLoad sends counter transactions to a server the way terminals do: each worker is one
// terminal at a time with keys of its own, choosing a random canteen and diner for each meal;
// every retryEvery-th meal is sent a second time under the same key, as a terminal does after a
// lost answer.
type mealsLoad struct {
	url        string
	client     *http.Client
	data       *benchMealsData
	run        string // makes keys unique across runs on one database
	drives     int    // and this, across the drives of one run
	retryEvery int
}

func newMealsLoad(url string, data *benchMealsData, workers int) *mealsLoad {
	tr := &http.Transport{MaxIdleConns: workers * 2, MaxIdleConnsPerHost: workers * 2, IdleConnTimeout: time.Minute,
		DisableCompression: true}
	return &mealsLoad{url: url + "/api/v1/meals/terminal/meals", client: &http.Client{Transport: tr, Timeout: 30 * time.Second},
		data: data, run: strconv.FormatInt(time.Now().UnixNano()%1e9, 36), retryEvery: 20}
}

// drive runs workers until stop says so, handing every outcome to record (from the workers'
// goroutines, so record must be safe for concurrent use). A request in flight when stop turns
// true is finished, not cut off: it would otherwise count as a failure of the server's.
func (l *mealsLoad) drive(ctx context.Context, workers int, stop func() bool, record func(benchOutcome)) {
	l.drives++
	drive := l.drives
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for seq := 0; ctx.Err() == nil && !stop(); seq++ {
				m := benchMeal{canteen: l.data.canteens[rng.IntN(len(l.data.canteens))],
					card: l.data.cards[rng.IntN(len(l.data.cards))], key: fmt.Sprintf("b%s-%d-%d-%d", l.run, drive, w, seq)}
				o := l.send(ctx, m)
				record(o)
				if l.retryEvery > 0 && seq%l.retryEvery == l.retryEvery-1 && o.err == nil && !stop() {
					r := l.send(ctx, m)
					r.retry = true
					record(r)
				}
			}
		}()
	}
	wg.Wait()
}

// send posts one meal and reads the answer.
func (l *mealsLoad) send(ctx context.Context, m benchMeal) benchOutcome {
	body := `{"card_no":"` + m.card + `","menu_item_id":` + strconv.FormatInt(m.canteen.item, 10) + `}`
	req, err := http.NewRequestWithContext(ctx, "POST", l.url, strings.NewReader(body))
	if err != nil {
		return benchOutcome{meal: m, err: err}
	}
	req.Header.Set("Authorization", "Bearer "+m.canteen.token)
	req.Header.Set("Idempotency-Key", m.key)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := l.client.Do(req)
	o := benchOutcome{meal: m, err: err}
	if err != nil {
		o.latency = time.Since(start)
		return o
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	o.latency, o.status, o.err = time.Since(start), resp.StatusCode, err
	if err == nil && resp.StatusCode/100 == 2 {
		o.err = json.Unmarshal(b, &o.receipt)
	} else if err == nil {
		o.err = fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	return o
}
