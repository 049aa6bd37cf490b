from pantau_cli.cli import main

main()
