def test_an_estate_can_be_built_and_pulled(estate, office):
    records = office.sync_down()

    assert records[estate.site]["fields"]["name"] == "Harbour View"
    assert records[estate.template]["version"] == 1
