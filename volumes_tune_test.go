package alletra

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTuneEnums(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "USR_CPG", TuneUserCPG.String())
	assert.Equal(t, "SNP_CPG", TuneSnapCPG.String())
	assert.Equal(t, "TPVV", ConvertToThin.String())
	assert.Equal(t, "FPVV", ConvertToFull.String())
	assert.Equal(t, "TDVV", ConvertToDedup.String())
	assert.Equal(t, "CONVERT_TO_DECO", ConvertToDECO.String())
	assert.Equal(t, "5", Conversion(5).String())
}

func TestVolumesTune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, m := newMock(t)
	calls := expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1", "", obj{"action": 6, "tuneOperation": 1, "userCPG": "FC_r6",
		"conversionOperation": 3, "keepVV": "v1-old", "compression": true}, jsonText(200, `{"taskid":9}`))
	task, err := c.Volumes.StartTune(ctx, "v1", &TuneRequest{Operation: TuneUserCPG, UserCPG: "FC_r6", Conversion: ConvertToDedup,
		KeepVV: "v1-old", Compression: bptr(true)})
	require.NoError(t, err)
	assert.Equal(t, &Task{ID: 9}, task)
	assert.EqualValues(t, 1, calls.Load())

	c, m = newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1", "", obj{"action": 6, "tuneOperation": 2, "snapCPG": "snaps"},
		errorResponder(409, CodeTuneInProgress, "Volume tuning is in progress"))
	_, err = c.Volumes.StartTune(ctx, "v1", &TuneRequest{Operation: TuneSnapCPG, SnapCPG: "snaps"})
	assert.ErrorIs(t, err, ErrBusy)

	c, m = newMock(t)
	expectCall(t, m, http.MethodPut, testAPI+"/volumes/v1", "", obj{"action": 6, "tuneOperation": 2, "snapCPG": "snaps"}, okEmpty(200))
	_, err = c.Volumes.StartTune(ctx, "v1", &TuneRequest{Operation: TuneSnapCPG, SnapCPG: "snaps"})
	assert.ErrorIs(t, err, ErrBadResponse)

	n := m.GetTotalCallCount()
	for _, bad := range []*TuneRequest{nil, {}, {Operation: 3}, {Operation: TuneUserCPG}, {Operation: TuneUserCPG, UserCPG: "c", SnapCPG: "s"},
		{Operation: TuneSnapCPG}, {Operation: TuneSnapCPG, SnapCPG: "s", Conversion: ConvertToThin},
		{Operation: TuneUserCPG, UserCPG: "c", Conversion: 5}, {Operation: TuneUserCPG, UserCPG: "c", KeepVV: "a b"}} {
		_, err := c.Volumes.StartTune(ctx, "v1", bad)
		assert.ErrorIs(t, err, ErrInvalidInput, "%+v", bad)
	}
	_, err = c.Volumes.StartTune(ctx, "", &TuneRequest{Operation: TuneSnapCPG, SnapCPG: "s"})
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, n, m.GetTotalCallCount())
}
