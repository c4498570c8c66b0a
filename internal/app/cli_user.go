package app

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/minzheng/minzheng/internal/auth"
	"github.com/minzheng/minzheng/internal/config"
	"github.com/minzheng/minzheng/internal/msg"
)

func runUser(ctx context.Context, e env, args []string) error {
	return subcommand(ctx, e, "user", args, map[string]func(context.Context, env, []string) error{
		"create": runUserCreate,
		"list":   runUserList,
		"reset":  runUserReset,
	})
}

// runUserCreate adds a user from the command line — the first city administrator of a new
// installation — and prints the initial password, which must be changed at first log-in.
func runUserCreate(ctx context.Context, e env, args []string) error {
	var in auth.UserInput
	var role string
	svc, err := dataCommand(ctx, e, "user create", "新建用户。Create a user and print the initial password (to be changed at first log-in).", args,
		func(_ *config.Config, fs flagAdder) {
			fs.StringVar(&in.Login, "login", "", "log-in `name` (required)")
			fs.StringVar(&in.Name, "name", "", "display `name` (required)")
			fs.StringVar(&role, "role", string(auth.CityAdmin), "`role`: city_admin, district_approver, street_officer, grid_worker, canteen_operator, charity, rescue_station, auditor, agency_feed")
			fs.StringVar(&in.Scope, "scope", "3702", "region code `prefix` the user works in")
			fs.Int64Var(&in.OrgID, "org", 0, "organisation `id` (canteen, charity and rescue-station users)")
			fs.StringVar(&in.Phone, "phone", "", "mobile `number`")
		})
	if err != nil {
		return err
	}
	defer svc.db.Close()
	in.Role = auth.Role(role)
	password := auth.RandomPassword()
	u, err := svc.auth.Bootstrap(ctx, in, password, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created user %s (%s, %s, scope %s)\ninitial password: %s\n", u.Login, u.Name,
		msg.Default().T(u.Role.MessageKey()), u.Scope.Code(), password)
	return nil
}

func runUserList(ctx context.Context, e env, args []string) error {
	svc, err := dataCommand(ctx, e, "user list", "列出用户。List every user.", args, nil)
	if err != nil {
		return err
	}
	defer svc.db.Close()
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLOGIN\tROLE\tSCOPE\tSTATUS\tNAME")
	for page := 1; ; page++ {
		users, total, err := svc.auth.ListUsers(ctx, auth.System(), auth.UserFilter{Page: page, PerPage: 200})
		if err != nil {
			return err
		}
		for _, u := range users {
			status := "active"
			switch {
			case u.Disabled:
				status = "disabled"
			case u.MustChangePassword:
				status = "must-change-password"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Login, u.Role, u.Scope.Code(), status, u.Name)
		}
		if page*200 >= total {
			break
		}
	}
	return tw.Flush()
}

// runUserReset gives a user a new initial password, for the administrator who locked themself out.
func runUserReset(ctx context.Context, e env, args []string) error {
	var login string
	svc, err := dataCommand(ctx, e, "user reset", "重置密码。Give a user a new initial password; their sessions end.", args,
		func(_ *config.Config, fs flagAdder) { fs.StringVar(&login, "login", "", "log-in `name` (required)") })
	if err != nil {
		return err
	}
	defer svc.db.Close()
	users, _, err := svc.auth.ListUsers(ctx, auth.System(), auth.UserFilter{Query: login, PerPage: 200})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Login == login {
			password, err := svc.auth.ResetPassword(ctx, auth.System(), u.ID, "")
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "new initial password for %s: %s\n", login, password)
			return nil
		}
	}
	return fmt.Errorf("no user %q", login)
}
