package meals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/civil"
	"github.com/minzheng/minzheng/internal/money"
	"github.com/minzheng/minzheng/internal/msg"
)

// Statement is a settlement as the canteen and the district sign it: its header, every meal it
// reimburses, its totals by who pays, and the meals held back with the rules that hold them.
// The spreadsheet (WriteXLSX) and the printable page show the same statement.
type Statement struct {
	Settlement
	Address      string
	DistrictName string
	Meals        []SettledMeal
	// HeldBack are the meals anti-fraud flags hold back now.
	HeldBack []HeldMeal
}

// Statement reads settlement id's statement; one p may not read is not found.
func (s *Store) Statement(ctx context.Context, p *auth.Principal, id int64) (*Statement, error) {
	st, err := s.Settlement(ctx, p, id)
	if err != nil {
		return nil, err
	}
	out := &Statement{Settlement: *st}
	if err := s.DB.QueryRow(ctx, `SELECT address FROM canteens WHERE id = ?`, st.CanteenID).Scan(&out.Address); err != nil {
		return nil, err
	}
	err = s.DB.QueryRow(ctx, `SELECT name FROM regions WHERE code = ?`, st.DistrictCode()).Scan(&out.DistrictName)
	if errors.Is(err, sql.ErrNoRows) {
		out.DistrictName, err = st.DistrictCode(), nil
	}
	if err != nil {
		return nil, err
	}
	if out.Meals, _, err = s.SettlementMeals(ctx, p, id, 1, 0); err != nil {
		return nil, err
	}
	if out.HeldBack, err = s.HeldMeals(ctx, p, id); err != nil {
		return nil, err
	}
	return out, nil
}

// Title names the statement: "幸福食堂 2024年3月 老年助餐补贴结算单".
func (st *Statement) Title() string {
	return msg.Default().T("meals.settle.statement_title", st.CanteenName, st.Month.Chinese())
}

// FileName is the statement's spreadsheet name, in ASCII so every browser keeps it.
func (st *Statement) FileName() string {
	return fmt.Sprintf("meal-settlement-%d-%s.xlsx", st.CanteenID, st.Month)
}

// RuleTitles names the anti-fraud rules that hold a meal back, in Chinese.
func (h *HeldMeal) RuleTitles() string {
	titles := make([]string, len(h.Rules))
	for i, r := range h.Rules {
		titles[i] = FraudRuleTitle(r)
	}
	return strings.Join(titles, "；")
}

// MealTypeName is a meal type in Chinese (早餐, 午餐, 晚餐).
func MealTypeName(t string) string { return msg.Default().T("meals.settle.meal_type." + t) }

// yuan is an amount as a spreadsheet number in yuan, so the office can sum it; the cells carry
// a two-decimal format.
func yuan(f money.Fen) float64 { return float64(f) / 100 }

// WriteXLSX writes the statement as a spreadsheet: the first sheet its header, every meal and
// the totals by funding source; the second the meals held back and why.
func (st *Statement) WriteXLSX(w io.Writer) error {
	t := msg.Default().T
	f := excelize.NewFile()
	defer f.Close()
	main, held := t("meals.settle.sheet_meals"), t("meals.settle.sheet_held")
	if err := f.SetSheetName(f.GetSheetName(0), main); err != nil {
		return err
	}
	if _, err := f.NewSheet(held); err != nil {
		return err
	}
	money2, err := f.NewStyle(&excelize.Style{NumFmt: 2})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	row := 0
	put := func(sheet string, cells ...any) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &cells)
	}
	status := t("meals.settle.status." + st.Status)
	lines := [][]any{
		{st.Title()},
		{t("meals.settle.col.canteen"), st.CanteenName, t("meals.settle.col.operator"), st.Operator},
		{t("meals.settle.col.month"), st.Month.Chinese(), t("meals.settle.col.district"), st.DistrictName},
		{t("meals.settle.col.address"), st.Address, t("meals.settle.col.status"), status},
		{t("meals.settle.col.number"), st.ID, t("meals.settle.col.generated"), st.CreatedBy + " " + st.CreatedAt.In(civil.China).Format("2006-01-02 15:04")},
		{},
		{t("meals.settle.col.seq"), t("meals.settle.col.date"), t("meals.settle.col.diner"), t("meals.settle.col.card"),
			t("meals.settle.col.meal"), t("meals.settle.col.item"), t("meals.settle.col.price"), t("meals.settle.col.diner_pays"),
			t("meals.settle.col.city"), t("meals.settle.col.district_share"), t("meals.settle.col.street")},
	}
	for _, l := range lines {
		if err := put(main, l...); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(main, "A1", "A1", bold)
	first := row + 1
	for i, m := range st.Meals {
		if err := put(main, i+1, m.ServedOn.String(), m.DinerName, m.CardNo, MealTypeName(m.MealType), m.ItemName,
			yuan(m.Price), yuan(m.DinerPays), yuan(m.City), yuan(m.District), yuan(m.Street)); err != nil {
			return err
		}
	}
	if err := put(main, t("meals.settle.col.total"), t("meals.settle.meal_count", len(st.Meals)), "", "", "", "",
		yuan(st.Price), yuan(st.Diner), yuan(st.City), yuan(st.District), yuan(st.Street)); err != nil {
		return err
	}
	from, _ := excelize.CoordinatesToCellName(7, first)
	to, _ := excelize.CoordinatesToCellName(11, row)
	_ = f.SetCellStyle(main, from, to, money2)
	row++
	if err := put(main, t("meals.settle.by_source")); err != nil {
		return err
	}
	sumStart := row + 1
	for _, l := range [][]any{
		{t("meals.settle.col.diner_pays"), yuan(st.Diner)},
		{t("meals.settle.col.city"), yuan(st.City)},
		{t("meals.settle.col.district_share"), yuan(st.District)},
		{t("meals.settle.col.street"), yuan(st.Street)},
		{t("meals.settle.col.subsidy"), yuan(st.Subsidy())},
		{t("meals.settle.col.price"), yuan(st.Price)},
		{t("meals.settle.col.held"), yuan(st.Held), t("meals.settle.meal_count", st.HeldMeals)},
	} {
		if err := put(main, l...); err != nil {
			return err
		}
	}
	from, _ = excelize.CoordinatesToCellName(2, sumStart)
	to, _ = excelize.CoordinatesToCellName(2, row)
	_ = f.SetCellStyle(main, from, to, money2)

	row = 0
	if err := put(held, t("meals.settle.held_title", len(st.HeldBack))); err != nil {
		return err
	}
	if err := put(held, t("meals.settle.col.seq"), t("meals.settle.col.date"), t("meals.settle.col.diner"),
		t("meals.settle.col.card"), t("meals.settle.col.meal"), t("meals.settle.col.price"), t("meals.settle.col.diner_pays"),
		t("meals.settle.col.subsidy"), t("meals.settle.col.rules")); err != nil {
		return err
	}
	for i, m := range st.HeldBack {
		if err := put(held, i+1, m.ServedOn.String(), m.DinerName, m.CardNo, MealTypeName(m.MealType), yuan(m.Price),
			yuan(m.DinerPays), yuan(m.Subsidy()), m.RuleTitles()); err != nil {
			return err
		}
	}
	if len(st.HeldBack) > 0 {
		from, _ = excelize.CoordinatesToCellName(6, 3)
		to, _ = excelize.CoordinatesToCellName(8, row)
		_ = f.SetCellStyle(held, from, to, money2)
	}
	_ = f.SetColWidth(main, "A", "A", 8)
	_ = f.SetColWidth(main, "B", "D", 14)
	_ = f.SetColWidth(held, "B", "D", 14)
	_ = f.SetColWidth(held, "I", "I", 36)
	f.SetActiveSheet(0)
	return f.Write(w)
}
